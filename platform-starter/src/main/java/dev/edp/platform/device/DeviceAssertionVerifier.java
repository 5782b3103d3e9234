package dev.edp.platform.device;

import java.net.InetAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.edp.platform.client.ServiceTokenSource;

/**
 * Verifies what E3 forwards with a request: the <b>device credential</b>
 * ({@value DeviceProof#CREDENTIAL_HEADER}, only when E3 verified a device certificate)
 * and the <b>request proof</b> ({@value DeviceProof#HEADER}, on every routed request).
 * <p>
 * The credential is an ES256 JWT (type {@value #CREDENTIAL_TYPE}) E3 signs once per
 * device certificate and service and reuses for minutes: {@code iss=edp-e3},
 * {@code aud}=this service, {@code sub}=device, {@code customer_id}, {@code serial},
 * {@code cert_exp}, {@code iat}, {@code exp} (at most {@link #MAX_CREDENTIAL_LIFETIME}),
 * {@code jti}. Its signature is checked against E3's JWKS ({@code edp.device.jwks-uri})
 * the first time it is seen; then it is kept in a bounded cache until it expires, so the
 * public-key operation is paid once per device and TTL, not per request.
 * <p>
 * The proof binds one request: an HMAC-SHA256 (see {@link DeviceProof}) with this
 * service's request key over the credential's {@code jti} (or
 * {@value DeviceProof#ANONYMOUS} without a device), the time, method, raw path, raw
 * query, the client address E3 saw, and the audience. It is checked on every request: MAC
 * (constant time, before any signature work), time within {@code proofWindow}. A
 * credential alone, captured on the internal hop, is useless without the request key; a
 * proof replayed on another request, path, query, method, service or outside the window
 * does not verify.
 * <p>
 * Request keys come from E3's management port ({@code edp.device.proof-keys-uri}),
 * fetched with the platform's service token; an unknown key id makes the verifier ask
 * again at once, at most once per {@code minRefetchInterval}, like an unknown JWKS key
 * id.
 */
public class DeviceAssertionVerifier {

    /** Default pause between two fetches of E3's keys (JWKS, request keys). */
    public static final Duration DEFAULT_MIN_REFETCH_INTERVAL = Duration.ofSeconds(5);

    /** Default of how far a proof's time may be from this service's clock. */
    public static final Duration DEFAULT_PROOF_WINDOW = Duration.ofSeconds(30);

    /** Default number of verified credentials kept. */
    public static final int DEFAULT_CREDENTIAL_CACHE_SIZE = 100_000;

    /** The longest life a credential may have ({@code exp - iat}). */
    public static final Duration MAX_CREDENTIAL_LIFETIME = Duration.ofMinutes(10);

    /**
     * The JOSE {@code typ} of a device credential: no other E3 or Keycloak token passes
     * as one.
     */
    public static final String CREDENTIAL_TYPE = "edp-device-credential+jwt";

    private static final Duration SKEW = Duration.ofSeconds(5);

    private static final Duration MAX_KEYS_AGE = Duration.ofMinutes(5);

    private static final int MAX_CREDENTIAL_LENGTH = 4096;

    /** A credential whose signature and claims were verified. */
    private record Credential(DevicePrincipal device, String jti, Instant expiresAt) {
    }

    private final String audience;

    private final Duration proofWindow;

    private final Clock clock;

    private final DefaultJWTProcessor<SecurityContext> processor;

    private final DeviceProofKeySource proofKeys;

    private final Cache<String, Credential> credentials;

    private final LongAdder signatureChecks = new LongAdder();

    /**
     * @param jwksUri E3's JWKS
     * @param proofKeysUri E3's request keys endpoint
     * @param audience this service's name
     * @param tokens the platform service token (for the request keys)
     */
    public DeviceAssertionVerifier(String jwksUri, String proofKeysUri, String audience, ServiceTokenSource tokens) {
        this(jwksUri, proofKeysUri, audience, tokens, DEFAULT_MIN_REFETCH_INTERVAL, DEFAULT_PROOF_WINDOW,
                DEFAULT_CREDENTIAL_CACHE_SIZE, Clock.systemUTC());
    }

    /**
     * @param jwksUri E3's JWKS
     * @param proofKeysUri E3's request keys endpoint
     * @param audience this service's name
     * @param tokens the platform service token (for the request keys)
     * @param minRefetchInterval least time between two fetches of the JWKS, and of the
     * request keys
     * @param proofWindow how far a proof's time may be from now, either way
     * @param credentialCacheSize how many verified credentials are kept
     * @param clock the time
     */
    public DeviceAssertionVerifier(String jwksUri, String proofKeysUri, String audience, ServiceTokenSource tokens,
            Duration minRefetchInterval, Duration proofWindow, int credentialCacheSize, Clock clock) {
        this.audience = audience;
        this.proofWindow = proofWindow;
        this.clock = clock;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(CREDENTIAL_TYPE)));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new DeviceJwkSource(URI.create(jwksUri), minRefetchInterval, MAX_KEYS_AGE, clock)));
        // The claims are checked below, with this clock.
        processor.setJWTClaimsSetVerifier((claims, context) -> {
        });
        this.proofKeys = new DeviceProofKeySource(URI.create(proofKeysUri), audience, tokens, minRefetchInterval,
                MAX_KEYS_AGE, clock);
        this.credentials = Caffeine.newBuilder()
            .maximumSize(credentialCacheSize)
            .expireAfter(Expiry.<String, Credential>creating(
                    (token, credential) -> Duration.between(clock.instant(), credential.expiresAt().plus(SKEW))))
            .build();
    }

    /** A device request's principal and the client address E3 named. */
    record VerifiedDevice(DevicePrincipal device, String clientAddress) {
    }

    /**
     * The device of a request, from E3's credential and proof.
     * @param credential the credential header, or null
     * @param proof the proof header, or null
     * @param method the request method
     * @param path the raw request path (without context path)
     * @param rawQuery the raw query string (as received, without {@code ?}), or null for
     * none
     * @return the device
     * @throws DeviceAssertionException if either is missing, forged, expired, for another
     * request or service, or there is no device (E3 saw no valid device certificate)
     */
    public DevicePrincipal verify(String credential, String proof, String method, String path, String rawQuery) {
        return verifyWithAddress(credential, proof, method, path, rawQuery).device();
    }

    /** Like {@link #verify}, with the client address. */
    VerifiedDevice verifyWithAddress(String credential, String proof, String method, String path, String rawQuery) {
        if (credential == null || credential.isEmpty()) {
            throw new DeviceAssertionException("no device credential");
        }
        return check(credential, proof, method, path, rawQuery);
    }

    /**
     * The client's address as E3 saw it, from E3's proof (with or without a device
     * credential).
     * @param credential the credential header, or null for a request without a device
     * @param proof the proof header
     * @param method the request method
     * @param path the raw request path (without context path)
     * @param rawQuery the raw query string, or null for none
     * @return the address in its canonical text form
     * @throws DeviceAssertionException if the proof (and credential, if any) does not
     * verify for this request
     */
    public String verifiedClientAddress(String credential, String proof, String method, String path, String rawQuery) {
        return check(credential == null || credential.isEmpty() ? null : credential, proof, method, path, rawQuery)
            .clientAddress();
    }

    /**
     * @param rawQuery the raw query, or null
     * @return what the proof binds of the query (see
     * {@link DeviceProof#queryHash(String)})
     */
    public static String queryHash(String rawQuery) {
        return DeviceProof.queryHash(rawQuery);
    }

    private VerifiedDevice check(String credential, String proof, String method, String path, String rawQuery) {
        DeviceProof.Parsed parsed = DeviceProof.parse(proof);
        Credential known = null;
        SignedJWT unverified = null;
        String jti = DeviceProof.ANONYMOUS;
        if (credential != null) {
            known = credentials.getIfPresent(credential);
            if (known == null) {
                unverified = parse(credential);
                jti = unverifiedJti(unverified);
            }
            else {
                jti = known.jti();
            }
        }
        // The MAC first: without the request key nothing costs a signature check here.
        byte[] expected = DeviceProof.macBytes(proofKeys.key(parsed.kid()), jti, parsed.time(), method, path,
                DeviceProof.queryHash(rawQuery), parsed.clientAddress(), audience);
        if (!MessageDigest.isEqual(expected, parsed.mac())) {
            throw new DeviceAssertionException("device proof does not match this request");
        }
        Instant now = clock.instant();
        long offset = Math.abs(now.toEpochMilli() - parsed.time());
        if (offset > proofWindow.toMillis()) {
            throw new DeviceAssertionException("device proof outside the time window");
        }
        String address = clientAddress(parsed.clientAddress());
        if (credential == null) {
            return new VerifiedDevice(null, address);
        }
        if (known == null) {
            known = verifyCredential(unverified, now);
            credentials.put(credential, known);
        }
        else if (now.isAfter(known.expiresAt().plus(SKEW))) {
            credentials.invalidate(credential);
            throw new DeviceAssertionException("device credential expired");
        }
        return new VerifiedDevice(known.device(), address);
    }

    private static SignedJWT parse(String credential) {
        if (credential.length() > MAX_CREDENTIAL_LENGTH) {
            throw new DeviceAssertionException("device credential too long");
        }
        try {
            return SignedJWT.parse(credential);
        }
        catch (ParseException ex) {
            throw new DeviceAssertionException("malformed device credential");
        }
    }

    private static String unverifiedJti(SignedJWT jwt) {
        try {
            String jti = jwt.getJWTClaimsSet().getJWTID();
            if (jti == null || jti.isEmpty() || jti.length() > 64) {
                throw new DeviceAssertionException("device credential without a usable jti");
            }
            return jti;
        }
        catch (ParseException ex) {
            throw new DeviceAssertionException("malformed device credential");
        }
    }

    /**
     * @return how many credential signatures this verifier has checked (each credential
     * once while cached)
     */
    long signatureChecks() {
        return signatureChecks.sum();
    }

    private Credential verifyCredential(SignedJWT jwt, Instant now) {
        JWTClaimsSet claims;
        signatureChecks.increment();
        try {
            claims = processor.process(jwt, null);
        }
        catch (BadJOSEException | JOSEException ex) {
            throw new DeviceAssertionException("device credential does not verify: " + ex.getMessage());
        }
        try {
            check(claims, now);
            Object certExp = claims.getClaim("cert_exp");
            Instant notAfter = certExp instanceof Number seconds ? Instant.ofEpochSecond(seconds.longValue()) : null;
            DevicePrincipal device = new DevicePrincipal(UUID.fromString(claims.getSubject()),
                    UUID.fromString(claims.getStringClaim("customer_id")), claims.getStringClaim("serial"), notAfter);
            if (device.serial() == null) {
                throw new DeviceAssertionException("device credential without a serial");
            }
            return new Credential(device, claims.getJWTID(), claims.getExpirationTime().toInstant());
        }
        catch (ParseException | RuntimeException ex) {
            if (ex instanceof DeviceAssertionException refused) {
                throw refused;
            }
            throw new DeviceAssertionException("device credential without a device identity");
        }
    }

    private void check(JWTClaimsSet claims, Instant now) {
        if (!"edp-e3".equals(claims.getIssuer())) {
            throw new DeviceAssertionException("device credential from another issuer");
        }
        List<String> audiences = claims.getAudience();
        if (audiences == null || !audiences.contains(audience)) {
            throw new DeviceAssertionException("device credential for another service");
        }
        Date issued = claims.getIssueTime();
        Date expires = claims.getExpirationTime();
        if (issued == null || expires == null
                || Duration.between(issued.toInstant(), expires.toInstant()).compareTo(MAX_CREDENTIAL_LIFETIME) > 0) {
            throw new DeviceAssertionException("device credential lifetime missing or too long");
        }
        if (now.isAfter(expires.toInstant().plus(SKEW))) {
            throw new DeviceAssertionException("device credential expired");
        }
        if (now.plus(SKEW).isBefore(issued.toInstant())) {
            throw new DeviceAssertionException("device credential issued in the future");
        }
    }

    /**
     * @param cip the proof's client address
     * @return it as a canonical IP address
     * @throws DeviceAssertionException if it is no IP literal
     */
    static String clientAddress(String cip) {
        if (cip == null || cip.isEmpty() || cip.length() > 64) {
            throw new DeviceAssertionException("device proof without a client address");
        }
        try {
            // A literal only: never a name lookup.
            return InetAddress.ofLiteral(cip).getHostAddress();
        }
        catch (IllegalArgumentException ex) {
            throw new DeviceAssertionException("device proof with an invalid client address");
        }
    }

}
