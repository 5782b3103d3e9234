package dev.edp.platform.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.List;

import com.nimbusds.jose.KeySourceException;

import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * JWT decoders for Keycloak access tokens. A token is accepted only if
 * <ul>
 * <li>its signature verifies with the realm's keys (its JWKS endpoint, fetched on the
 * first token so a service starts while Keycloak is still starting, cached and kept
 * through Keycloak outages: {@link RealmKeys}; or, when
 * {@code spring.security.oauth2.resourceserver.jwt.public-key-location} is set, that RSA
 * key);</li>
 * <li>its issuer is the realm
 * ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri});</li>
 * <li>it has not expired, with a small clock skew ({@code edp.security.jwt.clock-skew},
 * 10 s by default, see {@link EdpSecurityProperties});</li>
 * <li>its {@code aud} names one of {@code edp.security.audiences} (default
 * {@value #DEFAULT_AUDIENCE}, which the realm's EDP clients put into their access
 * tokens), so a token Keycloak issued to some other client of the realm is refused;</li>
 * <li>its {@code typ} claim is {@code Bearer}: Keycloak's ID tokens ({@code ID}) carry
 * the same issuer and signature as its access tokens, and neither they nor refresh tokens
 * ({@code Refresh}) may stand in for an access token.</li>
 * </ul>
 */
public final class EdpJwtDecoders {

    /** The audience the EDP realm's clients put into their access tokens. */
    public static final String DEFAULT_AUDIENCE = "edp-api";

    /** The {@code typ} claim of Keycloak access tokens. */
    static final String ACCESS_TOKEN_TYPE = "Bearer";

    private EdpJwtDecoders() {
    }

    /**
     * What a token must satisfy.
     *
     * @param issuer the realm's issuer URI
     * @param jwt the clock skew tolerated and how the realm's keys are fetched
     * @param audiences accepted audiences; a token must name at least one
     * @param publicKey a fixed verification key, or null to use the realm's JWKS endpoint
     */
    record Rules(String issuer, EdpSecurityProperties.Jwt jwt, List<String> audiences, RSAPublicKey publicKey) {

        Rules {
            audiences = audiences.stream().map(String::trim).filter(audience -> !audience.isEmpty()).toList();
            if (audiences.isEmpty()) {
                throw new IllegalStateException("edp.security.audiences is empty: no access token could be accepted");
            }
        }

        /**
         * @param environment the service's environment
         * @param resources resolves the public key's location
         * @return the rules the environment configures
         */
        static Rules from(Environment environment, ResourceLoader resources) {
            return from(EdpSecurityProperties.of(environment), environment, resources);
        }

        /**
         * @param security the EDP token settings ({@code edp.security.*})
         * @param environment holds Boot's resource-server settings (issuer, public key)
         * @param resources resolves the public key's location
         * @return the rules these settings make
         */
        static Rules from(EdpSecurityProperties security, Environment environment, ResourceLoader resources) {
            String prefix = "spring.security.oauth2.resourceserver.jwt.";
            String keyLocation = environment.getProperty(prefix + "public-key-location");
            return new Rules(environment.getRequiredProperty(prefix + "issuer-uri"), security.jwt(),
                    security.audiences(),
                    keyLocation == null || keyLocation.isBlank() ? null : readKey(resources.getResource(keyLocation)));
        }

        private static RSAPublicKey readKey(Resource location) {
            try (InputStream in = location.getInputStream()) {
                return RsaKeyConverters.x509().convert(in);
            }
            catch (IOException ex) {
                throw new UncheckedIOException("Cannot read the JWT public key " + location, ex);
            }
        }
    }

    static OAuth2TokenValidator<Jwt> validator(Rules rules) {
        OAuth2TokenValidator<Jwt> audience = jwt -> {
            List<String> audiences = jwt.getAudience();
            return audiences != null && audiences.stream().anyMatch(rules.audiences()::contains)
                    ? OAuth2TokenValidatorResult.success() : invalid("The token is not issued for this API (aud).");
        };
        OAuth2TokenValidator<Jwt> type = jwt -> ACCESS_TOKEN_TYPE.equals(jwt.getClaimAsString("typ"))
                ? OAuth2TokenValidatorResult.success() : invalid("The token is not an access token (typ).");
        return new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(rules.jwt().clockSkew()),
                new JwtIssuerValidator(rules.issuer()), audience, type);
    }

    private static OAuth2TokenValidatorResult invalid(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
    }

    static String jwkSetUri(String issuer) {
        return issuer + "/protocol/openid-connect/certs";
    }

    /**
     * @param rules what a token must satisfy
     * @return a servlet-stack decoder; the realm's keys are fetched on the first token,
     * so a service starts while Keycloak is still starting
     */
    static JwtDecoder servlet(Rules rules) {
        return servlet(rules, Clock.systemUTC());
    }

    /**
     * @param rules what a token must satisfy
     * @param clock times the caching of the realm's keys
     * @return a servlet-stack decoder
     */
    static JwtDecoder servlet(Rules rules, Clock clock) {
        NimbusJwtDecoder decoder = rules.publicKey() != null ? NimbusJwtDecoder.withPublicKey(rules.publicKey()).build()
                : NimbusJwtDecoder.withJwkSource(RealmKeys.remote(jwkSetUri(rules.issuer()), rules.jwt(), clock))
                    .build();
        decoder.setJwtValidator(validator(rules));
        return decoder;
    }

    /**
     * @param rules what a token must satisfy
     * @return a reactive-stack decoder; keys that cannot be fetched fail the token with a
     * {@link JwtException} that is not a {@link BadJwtException} (Spring's reactive
     * decoder reports them as an {@code IllegalStateException}, which no authentication
     * failure handler sees), so it is answered like on the servlet stack
     */
    static ReactiveJwtDecoder reactive(Rules rules) {
        return reactive(rules, Clock.systemUTC());
    }

    /**
     * @param rules what a token must satisfy
     * @param clock times the caching of the realm's keys
     * @return a reactive-stack decoder
     */
    static ReactiveJwtDecoder reactive(Rules rules, Clock clock) {
        boolean fixedKey = rules.publicKey() != null;
        NimbusReactiveJwtDecoder decoder = fixedKey ? NimbusReactiveJwtDecoder.withPublicKey(rules.publicKey()).build()
                : NimbusReactiveJwtDecoder
                    .withJwkSource(RealmKeys.remote(jwkSetUri(rules.issuer()), rules.jwt(), clock).reactive())
                    .build();
        decoder.setJwtValidator(validator(rules));
        if (fixedKey) {
            return decoder;
        }
        // Spring wraps a failed key lookup in an IllegalStateException.
        return token -> decoder.decode(token)
            .onErrorMap(
                    failure -> failure instanceof IllegalStateException
                            && failure.getCause() instanceof KeySourceException,
                    unavailable -> new JwtException("The identity provider's keys cannot be fetched", unavailable));
    }

}
