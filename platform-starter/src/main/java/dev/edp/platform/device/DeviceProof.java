package dev.edp.platform.device;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The wire format of E3's request proof, shared by E3 (which makes one per routed
 * request) and the services (which check it): header {@value #HEADER},
 * {@code kid=<key id>;t=<epoch millis>;cip=<client
 * address>;mac=<base64url HMAC-SHA256>}.
 * <p>
 * The MAC covers, each as a length-prefixed UTF-8 field after the label {@value #LABEL}:
 * the credential's {@code jti} (or {@value #ANONYMOUS} for a request without a device),
 * the time, the method, the raw path, the hash of the raw query
 * ({@link #queryHash(String)}), the client address and the audience (the service). Its
 * key is the audience's request key, {@link #audienceKey(byte[], String) K_aud =
 * HMAC-SHA256(master, "edp-device-proof/" + aud)} of a key epoch's master secret, which
 * only E3 holds; each service fetches only its own K_aud.
 * <p>
 * Length prefixes keep fields apart whatever they contain, so no two different requests
 * share the MAC input.
 */
public final class DeviceProof {

    /** The request header E3 sets on every routed request. */
    public static final String HEADER = "X-EDP-Device-Proof";

    /**
     * The request header that carries E3's device credential (only with a verified
     * device).
     */
    public static final String CREDENTIAL_HEADER = "X-EDP-Device-Credential";

    /**
     * What stands for the credential's {@code jti} in the MAC of a request without a
     * device.
     */
    public static final String ANONYMOUS = "anonymous";

    /** The first field of every MAC input (domain separation, format version). */
    static final String LABEL = "edp-device-proof/v1";

    private static final int MAX_HEADER_LENGTH = 512;

    private static final String HMAC = "HmacSHA256";

    private DeviceProof() {
    }

    /** A parsed proof header. */
    record Parsed(String kid, long time, String clientAddress, byte[] mac) {
    }

    /**
     * @param master a key epoch's master secret (E3's)
     * @param audience the service
     * @return the service's request key for that epoch
     */
    public static byte[] audienceKey(byte[] master, String audience) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(master, HMAC));
            return mac.doFinal(("edp-device-proof/" + audience).getBytes(StandardCharsets.UTF_8));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param key a request key (K_aud)
     * @return an initialised MAC to
     * {@link #mac(Mac, String, long, String, String, String, String, String) clone} per
     * use: cloning skips the key schedule and the provider lookup
     */
    public static Mac prototype(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param prototype the request key's MAC ({@link #prototype(byte[])}); not changed
     * @param jti the credential's {@code jti}, or {@value #ANONYMOUS}
     * @param time the proof's time, epoch milliseconds
     * @param method the request method
     * @param path the raw request path
     * @param queryHash {@link #queryHash(String)} of the raw query
     * @param clientAddress the client address E3 saw
     * @param audience the service the request goes to
     * @return the MAC, base64url without padding
     */
    public static String mac(Mac prototype, String jti, long time, String method, String path, String queryHash,
            String clientAddress, String audience) {
        return Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(macBytes(prototype, jti, time, method, path, queryHash, clientAddress, audience));
    }

    /** Like {@link #mac}, unencoded. */
    static byte[] macBytes(Mac prototype, String jti, long time, String method, String path, String queryHash,
            String clientAddress, String audience) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        }
        catch (CloneNotSupportedException ex) {
            throw new IllegalStateException(ex);
        }
        for (String field : new String[] { LABEL, jti, Long.toString(time), method, path, queryHash, clientAddress,
                audience }) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            int length = bytes.length;
            mac.update((byte) (length >>> 24));
            mac.update((byte) (length >>> 16));
            mac.update((byte) (length >>> 8));
            mac.update((byte) length);
            mac.update(bytes);
        }
        return mac.doFinal();
    }

    /**
     * @param kid the key epoch
     * @param time epoch milliseconds
     * @param clientAddress the client address
     * @param mac the MAC
     * @return the header value
     */
    public static String header(String kid, long time, String clientAddress, String mac) {
        return "kid=" + kid + ";t=" + time + ";cip=" + clientAddress + ";mac=" + mac;
    }

    /**
     * @param header the header value
     * @return its parts
     * @throws DeviceAssertionException if it is not exactly a proof (each part once,
     * nothing else)
     */
    static Parsed parse(String header) {
        if (header == null || header.isEmpty() || header.length() > MAX_HEADER_LENGTH) {
            throw new DeviceAssertionException("no device proof");
        }
        String kid = null;
        String time = null;
        String cip = null;
        String mac = null;
        for (String part : header.split(";", -1)) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new DeviceAssertionException("malformed device proof");
            }
            String name = part.substring(0, equals);
            String value = part.substring(equals + 1);
            switch (name) {
                case "kid" -> kid = once(kid, value);
                case "t" -> time = once(time, value);
                case "cip" -> cip = once(cip, value);
                case "mac" -> mac = once(mac, value);
                default -> throw new DeviceAssertionException("malformed device proof");
            }
        }
        if (kid == null || kid.isEmpty() || time == null || cip == null || mac == null
                || !time.matches("[0-9]{1,15}")) {
            throw new DeviceAssertionException("malformed device proof");
        }
        try {
            return new Parsed(kid, Long.parseLong(time), cip, Base64.getUrlDecoder().decode(mac));
        }
        catch (IllegalArgumentException ex) {
            throw new DeviceAssertionException("malformed device proof");
        }
    }

    private static String once(String previous, String value) {
        if (previous != null) {
            throw new DeviceAssertionException("malformed device proof");
        }
        return value;
    }

    /**
     * A request that E3 makes itself with a body it vouches for (a batch of device
     * requests) binds the body through its query: the proof covers the query's hash, the
     * query holds the body's.
     * @param body the request body
     * @return {@code sha256=<base64url (no padding) of SHA-256(body)>}
     */
    public static String bodyQuery(byte[] body) {
        return "sha256=" + sha256(body);
    }

    /**
     * @param rawQuery the raw query string (without {@code ?}), or null
     * @return base64url (no padding) of the SHA-256 of the query as sent; null and empty
     * are the same
     */
    public static String queryHash(String rawQuery) {
        return sha256((rawQuery == null ? "" : rawQuery).getBytes(StandardCharsets.UTF_8));
    }

    /** Base64url (no padding) of the SHA-256 of the bytes. */
    private static String sha256(byte[] bytes) {
        try {
            return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
