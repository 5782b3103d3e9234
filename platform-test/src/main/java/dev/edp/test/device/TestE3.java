package dev.edp.test.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edp.test.security.TestJwtIssuer;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Plays E3 towards a service under test: an ES256 key whose JWKS it serves at
 * {@code /actuator/device-jwks}, a master secret whose per-service request keys it serves
 * at {@code /actuator/device-proof-keys?audience=...} only to callers with a test-issuer
 * token of role {@code platform-service} (as E3's management port does), device
 * credentials signed with the key, and request proofs made with the request keys.
 * <p>
 * The proof format is written out here a second time, from the documented wire format,
 * not taken from the starter: a test that passes with it proves the starter reads what
 * the format says.
 */
public final class TestE3 implements AutoCloseable {

    /** The credential header. */
    public static final String CREDENTIAL_HEADER = "X-EDP-Device-Credential";

    /** The proof header. */
    public static final String PROOF_HEADER = "X-EDP-Device-Proof";

    /** The credential's JOSE type. */
    public static final String CREDENTIAL_TYPE = "edp-device-credential+jwt";

    private static volatile TestE3 shared;

    private final ECKey key;

    private final ECKey forger;

    private final String kid;

    private final byte[] master;

    private final HttpServer server;

    private final AtomicInteger jwksFetches = new AtomicInteger();

    private final AtomicInteger proofKeyFetches = new AtomicInteger();

    private final AtomicInteger refusedProofKeyFetches = new AtomicInteger();

    private TestE3() {
        try {
            this.kid = "e3-test-" + UUID.randomUUID().toString().substring(0, 8);
            this.key = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
            this.forger = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
            this.master = new byte[32];
            new SecureRandom().nextBytes(master);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (JOSEException | IOException ex) {
            throw new IllegalStateException(ex);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /**
     * @return a new stand-in with its own keys and server
     */
    public static TestE3 start() {
        return new TestE3();
    }

    /**
     * @return the one stand-in of this test JVM (shared, so service contexts stay shared
     * too)
     */
    public static TestE3 shared() {
        TestE3 current = shared;
        if (current == null) {
            synchronized (TestE3.class) {
                if (shared == null) {
                    shared = new TestE3();
                }
                current = shared;
            }
        }
        return current;
    }

    /**
     * @return the base URL of its management port stand-in
     */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * @return the value for {@code edp.device.jwks-uri}
     */
    public String jwksUri() {
        return url() + "/actuator/device-jwks";
    }

    /**
     * @return the value for {@code edp.device.proof-keys-uri}
     */
    public String proofKeysUri() {
        return url() + "/actuator/device-proof-keys";
    }

    /**
     * A token endpoint that gives anyone a test-issuer service token: for a service
     * started without the test issuer's token source
     * ({@code edp.service-client.token-uri}, e.g. a benchmark).
     * @return the URL
     */
    public String tokenUri() {
        return url() + "/token";
    }

    /**
     * The properties that point a service at this stand-in.
     * @return {@code edp.device.jwks-uri} and {@code edp.device.proof-keys-uri}
     */
    public Map<String, String> properties() {
        return Map.of("edp.device.jwks-uri", jwksUri(), "edp.device.proof-keys-uri", proofKeysUri());
    }

    /**
     * @return how often the JWKS was fetched
     */
    public int jwksFetches() {
        return jwksFetches.get();
    }

    /**
     * @return how often the request keys were handed out
     */
    public int proofKeyFetches() {
        return proofKeyFetches.get();
    }

    /**
     * @return how often a caller without the service token asked for request keys
     */
    public int refusedProofKeyFetches() {
        return refusedProofKeyFetches.get();
    }

    /** A device as E3 describes it in a credential. */
    public record Device(UUID deviceId, UUID customerId, String serial, Instant certificateNotAfter) {

        /**
         * @param deviceId the device
         * @param customerId its customer
         * @return the device with serial {@code 0a1b} and no certificate expiry
         */
        public static Device of(UUID deviceId, UUID customerId) {
            return new Device(deviceId, customerId, "0a1b", null);
        }
    }

    /**
     * A credential valid for 5 minutes from now.
     * @param device the device
     * @param audience the service
     * @return the compact JWT
     */
    public String credential(Device device, String audience) {
        Instant now = Instant.now();
        return credential(device, audience, now, now.plus(Duration.ofMinutes(5)));
    }

    /**
     * @param device the device
     * @param audience the service
     * @param issued {@code iat}
     * @param expires {@code exp}
     * @return the compact JWT, signed with E3's key
     */
    public String credential(Device device, String audience, Instant issued, Instant expires) {
        return sign(key, credentialClaims(device, audience, issued, expires).build(), CREDENTIAL_TYPE);
    }

    /**
     * @param device the device
     * @param audience the service
     * @return a credential like E3's, signed with a key E3 does not have (same key id)
     */
    public String forgedCredential(Device device, String audience) {
        Instant now = Instant.now();
        return sign(forger, credentialClaims(device, audience, now, now.plus(Duration.ofMinutes(5))).build(),
                CREDENTIAL_TYPE);
    }

    /**
     * @param claims any claims
     * @param type the JOSE {@code typ}
     * @return a JWT with them, signed with E3's key (for credentials E3 would never
     * issue)
     */
    public String signed(JWTClaimsSet claims, String type) {
        return sign(key, claims, type);
    }

    /**
     * @param device the device
     * @param audience the service
     * @param issued {@code iat}
     * @param expires {@code exp}
     * @return the claims E3 puts into a credential
     */
    public static JWTClaimsSet.Builder credentialClaims(Device device, String audience, Instant issued,
            Instant expires) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer("edp-e3")
            .audience(audience)
            .subject(device.deviceId().toString())
            .claim("customer_id", device.customerId().toString())
            .claim("serial", device.serial())
            .issueTime(Date.from(issued))
            .expirationTime(Date.from(expires))
            .jwtID(UUID.randomUUID().toString());
        if (device.certificateNotAfter() != null) {
            claims.claim("cert_exp", device.certificateNotAfter().getEpochSecond());
        }
        return claims;
    }

    /**
     * A proof for one request, made now.
     * @param credential the credential sent with it, or null for a request without a
     * device
     * @param audience the service
     * @param method the method
     * @param path the raw path
     * @param rawQuery the raw query, or null
     * @param clientAddress the client address E3 saw
     * @return the header value
     */
    public String proof(String credential, String audience, String method, String path, String rawQuery,
            String clientAddress) {
        return proof(credential, audience, method, path, rawQuery, clientAddress, Instant.now());
    }

    /**
     * A proof for one request, made at a given time.
     * @param credential the credential sent with it, or null for a request without a
     * device
     * @param audience the service
     * @param method the method
     * @param path the raw path
     * @param rawQuery the raw query, or null
     * @param clientAddress the client address E3 saw
     * @param at the proof's time
     * @return the header value
     */
    public String proof(String credential, String audience, String method, String path, String rawQuery,
            String clientAddress, Instant at) {
        return proofWithKey(audienceKey(master, audience), kid, credential, audience, method, path, rawQuery,
                clientAddress, at);
    }

    /**
     * A proof made with a request key E3 never issued (same key id): what a caller
     * without the key could make at best.
     * @param credential the credential, or null
     * @param audience the service
     * @param method the method
     * @param path the raw path
     * @param rawQuery the raw query, or null
     * @param clientAddress the client address
     * @return the header value
     */
    public String forgedProof(String credential, String audience, String method, String path, String rawQuery,
            String clientAddress) {
        byte[] guess = new byte[32];
        new SecureRandom().nextBytes(guess);
        return proofWithKey(guess, kid, credential, audience, method, path, rawQuery, clientAddress, Instant.now());
    }

    /**
     * A proof with a key id E3 does not know.
     * @param credential the credential, or null
     * @param audience the service
     * @param method the method
     * @param path the raw path
     * @param rawQuery the raw query, or null
     * @param clientAddress the client address
     * @param unknownKid the key id
     * @return the header value
     */
    public String proofWithUnknownKid(String credential, String audience, String method, String path, String rawQuery,
            String clientAddress, String unknownKid) {
        return proofWithKey(audienceKey(master, audience), unknownKid, credential, audience, method, path, rawQuery,
                clientAddress, Instant.now());
    }

    /**
     * The headers E3 adds to a device's request: credential and proof (client address
     * 127.0.0.1).
     * @param device the device
     * @param audience the service
     * @param method the method
     * @param path the raw path
     * @param rawQuery the raw query, or null
     * @return header name to value
     */
    public Map<String, String> deviceHeaders(Device device, String audience, String method, String path,
            String rawQuery) {
        String credential = credential(device, audience);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CREDENTIAL_HEADER, credential);
        headers.put(PROOF_HEADER, proof(credential, audience, method, path, rawQuery, "127.0.0.1"));
        return headers;
    }

    /**
     * The header E3 adds to a request without a device certificate.
     * @param audience the service
     * @param method the method
     * @param path the raw path
     * @param rawQuery the raw query, or null
     * @param clientAddress the client address E3 saw
     * @return header name to value
     */
    public Map<String, String> anonymousHeaders(String audience, String method, String path, String rawQuery,
            String clientAddress) {
        return Map.of(PROOF_HEADER, proof(null, audience, method, path, rawQuery, clientAddress));
    }

    private static String proofWithKey(byte[] requestKey, String kid, String credential, String audience, String method,
            String path, String rawQuery, String clientAddress, Instant at) {
        String jti = credential == null ? "anonymous" : jtiOf(credential);
        long time = at.toEpochMilli();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(requestKey, "HmacSHA256"));
            for (String field : List.of("edp-device-proof/v1", jti, Long.toString(time), method, path,
                    sha256(rawQuery == null ? "" : rawQuery), clientAddress, audience)) {
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                mac.update(new byte[] { (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                        (byte) (bytes.length >>> 8), (byte) bytes.length });
                mac.update(bytes);
            }
            return "kid=" + kid + ";t=" + time + ";cip=" + clientAddress + ";mac="
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String jtiOf(String credential) {
        try {
            return SignedJWT.parse(credential).getJWTClaimsSet().getJWTID();
        }
        catch (java.text.ParseException ex) {
            // Not a JWT: the proof then names what was sent, and the service refuses the
            // credential.
            return credential;
        }
    }

    private static byte[] audienceKey(byte[] master, String audience) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            return mac.doFinal(("edp-device-proof/" + audience).getBytes(StandardCharsets.UTF_8));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String sha256(String text) throws GeneralSecurityException {
        return Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String sign(ECKey key, JWTClaimsSet claims, String type) {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(new JOSEObjectType(type)).build(),
                claims);
        try {
            jwt.sign(new ECDSASigner(key));
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
        return jwt.serialize();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        int status;
        String body;
        if (path.equals("/actuator/device-jwks")) {
            jwksFetches.incrementAndGet();
            status = 200;
            body = new JWKSet(key.toPublicJWK()).toString();
        }
        else if (path.equals("/actuator/device-proof-keys")) {
            String audience = query != null && query.startsWith("audience=") && !query.contains("&")
                    ? query.substring("audience=".length()) : null;
            if (!platformService(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refusedProofKeyFetches.incrementAndGet();
                status = 401;
                body = "{\"status\":401,\"code\":\"UNAUTHORIZED\"}";
            }
            else if (audience == null || audience.isEmpty()) {
                status = 400;
                body = "{\"status\":400}";
            }
            else {
                proofKeyFetches.incrementAndGet();
                status = 200;
                body = "{\"audience\":\"" + audience + "\",\"keys\":[{\"kid\":\"" + kid + "\",\"k\":\""
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(audienceKey(master, audience))
                        + "\"}]}";
            }
        }
        else if (path.equals("/token") && exchange.getRequestMethod().equals("POST")) {
            status = 200;
            body = "{\"access_token\":\"" + TestJwtIssuer.serviceToken() + "\",\"expires_in\":300}";
        }
        else {
            status = 404;
            body = "{\"status\":404}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    /**
     * Whether the caller presented a valid test-issuer token with role platform-service.
     */
    private static boolean platformService(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        try {
            Jwt jwt = TestJwtIssuer.jwtDecoder().decode(authorization.substring(7));
            Object access = jwt.getClaims().get("realm_access");
            return access instanceof Map<?, ?> realm && realm.get("roles") instanceof List<?> roles
                    && roles.contains("platform-service");
        }
        catch (JwtException ex) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
