package dev.edp.platform.device;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Verifies E3's assertion ({@code X-EDP-Device-Assertion}): ES256 with a key from E3's JWKS
 * ({@code edp.device.jwks-uri}), issuer {@code edp-e3}, this service as audience, not expired
 * (5 s skew), at most 60 s of life, and bound to this request: method ({@code htm}), raw path
 * ({@code htp}) and raw query string ({@code htq}, see {@link #queryHash(String)}).
 * <p>
 * E3 signs one for every request it routes: with the device ({@code sub}, {@code customer_id},
 * {@code serial}, {@code cert_exp}) when the request came with a verified device certificate, and
 * always with the client's address as E3 saw it ({@code cip}). {@link #verify} accepts only the
 * former; {@link #verifiedClientAddress} reads the address from either.
 * <p>
 * An assertion naming a key the cached JWKS lacks makes the verifier fetch E3's JWKS again at
 * once, at most once per {@code minRefetchInterval} (see {@link DeviceJwkSource}).
 */
public class DeviceAssertionVerifier {

    /** Default pause between two fetches of E3's JWKS. */
    public static final Duration DEFAULT_MIN_REFETCH_INTERVAL = Duration.ofSeconds(5);

    private static final Duration MAX_LIFETIME = Duration.ofSeconds(60);
    private static final Duration MAX_JWKS_AGE = Duration.ofMinutes(5);
    private static final String EMPTY_QUERY_HASH = queryHash(null);

    private final JwtDecoder decoder;

    /**
     * @param jwksUri E3's JWKS
     * @param audience this service's name
     */
    public DeviceAssertionVerifier(String jwksUri, String audience) {
        this(jwksUri, audience, DEFAULT_MIN_REFETCH_INTERVAL, Clock.systemUTC());
    }

    /**
     * @param jwksUri E3's JWKS
     * @param audience this service's name
     * @param minRefetchInterval least time between two fetches of the JWKS (unknown key ids)
     * @param clock the time, for the assertion's lifetime and the refetch interval
     */
    public DeviceAssertionVerifier(String jwksUri, String audience, Duration minRefetchInterval, Clock clock) {
        this(decoder(new DeviceJwkSource(URI.create(jwksUri), minRefetchInterval, MAX_JWKS_AGE, clock), audience, clock));
    }

    /** @param decoder a prepared decoder (tests) */
    DeviceAssertionVerifier(JwtDecoder decoder) {
        this.decoder = decoder;
    }

    private static JwtDecoder decoder(DeviceJwkSource keys, String audience, Clock clock) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
        // Claims are checked by the Spring validators below, with the same clock.
        processor.setJWTClaimsSetVerifier((claims, context) -> {
        });
        NimbusJwtDecoder nimbus = new NimbusJwtDecoder(processor);
        OAuth2TokenValidator<Jwt> audienceAndLifetime = jwt -> {
            if (jwt.getAudience() == null || !jwt.getAudience().contains(audience)) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "wrong audience", null));
            }
            Instant issued = jwt.getIssuedAt();
            Instant expires = jwt.getExpiresAt();
            if (issued == null || expires == null || Duration.between(issued, expires).compareTo(MAX_LIFETIME) > 0) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "lifetime too long", null));
            }
            return OAuth2TokenValidatorResult.success();
        };
        JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ofSeconds(5));
        timestamps.setClock(clock);
        nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(List.of(timestamps,
                new JwtIssuerValidator("edp-e3"), audienceAndLifetime)));
        return nimbus;
    }

    /**
     * The device of a request, from E3's assertion.
     * @param assertion the header value
     * @param method the request method
     * @param path the raw request path (without context path)
     * @param rawQuery the raw query string (as received, without {@code ?}), or null for none
     * @return the device
     * @throws JwtException if the assertion is missing, forged, expired, for another request, or
     *         carries no device (E3 saw no valid device certificate)
     */
    public DevicePrincipal verify(String assertion, String method, String path, String rawQuery) {
        return device(decodeBound(assertion, method, path, rawQuery));
    }

    /** A device request's principal and, if E3 named it, the client address. */
    record VerifiedDevice(DevicePrincipal device, String clientAddress) {
    }

    /** Like {@link #verify}, with the client address ({@code null} when the assertion has none), with one signature check. */
    VerifiedDevice verifyWithAddress(String assertion, String method, String path, String rawQuery) {
        Jwt jwt = decodeBound(assertion, method, path, rawQuery);
        DevicePrincipal device = device(jwt);
        return new VerifiedDevice(device, jwt.hasClaim("cip") ? clientAddress(jwt) : null);
    }

    private static DevicePrincipal device(Jwt jwt) {
        try {
            Object certExp = jwt.getClaim("cert_exp");
            Instant notAfter = certExp instanceof Number seconds ? Instant.ofEpochSecond(seconds.longValue()) : null;
            return new DevicePrincipal(UUID.fromString(jwt.getSubject()), UUID.fromString(jwt.getClaimAsString("customer_id")),
                    jwt.getClaimAsString("serial"), notAfter);
        }
        catch (RuntimeException ex) {
            throw new JwtException("device assertion without a device identity");
        }
    }

    /**
     * The client's address as E3 saw it, from E3's assertion (with or without a device).
     * @param assertion the header value
     * @param method the request method
     * @param path the raw request path (without context path)
     * @param rawQuery the raw query string, or null for none
     * @return the address in its canonical text form
     * @throws JwtException if the assertion does not verify for this request or names no valid address
     */
    public String verifiedClientAddress(String assertion, String method, String path, String rawQuery) {
        return clientAddress(decodeBound(assertion, method, path, rawQuery));
    }

    /**
     * @param jwt a verified assertion
     * @return its {@code cip} claim as a canonical IP address
     * @throws JwtException if there is none or it is no IP literal
     */
    static String clientAddress(Jwt jwt) {
        String cip = jwt.getClaimAsString("cip");
        if (cip == null || cip.isEmpty() || cip.length() > 64) {
            throw new JwtException("device assertion without a client address");
        }
        try {
            // A literal only: never a name lookup.
            return InetAddress.ofLiteral(cip).getHostAddress();
        }
        catch (IllegalArgumentException ex) {
            throw new JwtException("device assertion with an invalid client address");
        }
    }

    private Jwt decodeBound(String assertion, String method, String path, String rawQuery) {
        if (assertion == null || assertion.isBlank()) {
            throw new JwtException("no device assertion");
        }
        Jwt jwt = decoder.decode(assertion);
        String htm = jwt.getClaimAsString("htm");
        String htp = jwt.getClaimAsString("htp");
        if (htm == null || htp == null || !htm.equalsIgnoreCase(method) || !htp.equals(path)) {
            throw new JwtException("device assertion issued for another request");
        }
        // No htq: bound to a request without a query string.
        String htq = jwt.getClaimAsString("htq");
        if (!MessageDigest.isEqual((htq == null ? EMPTY_QUERY_HASH : htq).getBytes(StandardCharsets.US_ASCII),
                queryHash(rawQuery).getBytes(StandardCharsets.US_ASCII))) {
            throw new JwtException("device assertion issued for another query");
        }
        return jwt;
    }

    /**
     * The {@code htq} claim of a request: base64url (no padding) of the SHA-256 of its raw query
     * string as sent (without {@code ?}; no query hashes like the empty string).
     * @param rawQuery the raw query, or null
     * @return the hash
     */
    public static String queryHash(String rawQuery) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((rawQuery == null ? "" : rawQuery).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
