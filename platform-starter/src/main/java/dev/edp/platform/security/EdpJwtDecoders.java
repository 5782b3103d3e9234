package dev.edp.platform.security;

import java.time.Duration;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierReactiveJwtDecoder;

/**
 * JWT decoders for Keycloak tokens: the keys come from the realm's JWKS endpoint, fetched on the
 * first token (so a service starts while Keycloak is still starting), the issuer must match, and
 * the expiry is checked with a small clock skew ({@code edp.security.jwt.clock-skew}, 10 s by
 * default rather than Spring's 60 s: access tokens live five minutes and the platform's hosts keep
 * their clocks in sync).
 */
public final class EdpJwtDecoders {

    private EdpJwtDecoders() {
    }

    static OAuth2TokenValidator<Jwt> validator(String issuer, Duration clockSkew) {
        return new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(clockSkew),
                new JwtIssuerValidator(issuer));
    }

    static String jwkSetUri(String issuer) {
        return issuer + "/protocol/openid-connect/certs";
    }

    /**
     * @param issuer the realm's issuer URI
     * @param clockSkew tolerated clock difference
     * @return a servlet-stack decoder
     */
    public static JwtDecoder servlet(String issuer, Duration clockSkew) {
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri(issuer)).build();
            decoder.setJwtValidator(validator(issuer, clockSkew));
            return decoder;
        });
    }

    /**
     * @param issuer the realm's issuer URI
     * @param clockSkew tolerated clock difference
     * @return a reactive-stack decoder
     */
    public static ReactiveJwtDecoder reactive(String issuer, Duration clockSkew) {
        return new SupplierReactiveJwtDecoder(() -> {
            NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwkSetUri(issuer)).build();
            decoder.setJwtValidator(validator(issuer, clockSkew));
            return decoder;
        });
    }
}
