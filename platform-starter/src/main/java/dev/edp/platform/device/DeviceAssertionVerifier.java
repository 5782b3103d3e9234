package dev.edp.platform.device;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Verifies E3's device assertion: ES256 with a key from E3's JWKS ({@code edp.device.jwks-uri}),
 * issuer {@code edp-e3}, this service as audience, not expired (5 s skew), at most 60 s of life,
 * and bound to this request's method and path.
 */
public class DeviceAssertionVerifier {

    private static final Duration MAX_LIFETIME = Duration.ofSeconds(60);

    private final JwtDecoder decoder;

    /**
     * @param jwksUri E3's JWKS
     * @param audience this service's name
     */
    public DeviceAssertionVerifier(String jwksUri, String audience) {
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withJwkSetUri(jwksUri).jwsAlgorithm(SignatureAlgorithm.ES256).build();
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
        nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(List.of(
                new JwtTimestampValidator(Duration.ofSeconds(5)), new JwtIssuerValidator("edp-e3"), audienceAndLifetime)));
        this.decoder = nimbus;
    }

    /** @param decoder a prepared decoder (tests) */
    DeviceAssertionVerifier(JwtDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * @param assertion the header value
     * @param method the request method
     * @param path the request path (without context path)
     * @return the device
     * @throws JwtException if the assertion is missing, forged, expired or for another request
     */
    public DevicePrincipal verify(String assertion, String method, String path) {
        if (assertion == null || assertion.isBlank()) {
            throw new JwtException("no device assertion");
        }
        Jwt jwt = decoder.decode(assertion);
        String htm = jwt.getClaimAsString("htm");
        String htp = jwt.getClaimAsString("htp");
        if (htm == null || htp == null || !htm.equalsIgnoreCase(method) || !htp.equals(path)) {
            throw new JwtException("device assertion issued for another request");
        }
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
}
