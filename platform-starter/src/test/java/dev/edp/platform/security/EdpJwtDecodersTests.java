package dev.edp.platform.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The token rules as the environment configures them; the HTTP side is in
 * {@link ServletSecurityTests}.
 */
class EdpJwtDecodersTests {

    static final String ISSUER = "http://keycloak.test/realms/edp";

    static EdpJwtDecoders.Rules rules(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return EdpJwtDecoders.Rules.from(environment, new DefaultResourceLoader());
    }

    static Jwt jwt(Object audience, String type) {
        Jwt.Builder jwt = Jwt.withTokenValue("t")
            .header("alg", "RS256")
            .issuer(ISSUER)
            .issuedAt(Instant.now())
            .expiresAt(Instant.now().plusSeconds(300));
        if (audience != null) {
            jwt.claim("aud", audience);
        }
        if (type != null) {
            jwt.claim("typ", type);
        }
        return jwt.build();
    }

    @Test
    void defaultsToTheEdpApiAudienceTenSecondsOfSkewAndKeysKeptThroughAnHourOfOutage() {
        EdpJwtDecoders.Rules rules = rules(Map.of("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER));

        assertThat(rules.audiences()).containsExactly("edp-api");
        assertThat(rules.jwt().clockSkew()).isEqualTo(Duration.ofSeconds(10));
        assertThat(rules.jwt().keysTimeToLive()).isEqualTo(Duration.ofMinutes(5));
        assertThat(rules.jwt().keysOutageTolerance()).isEqualTo(Duration.ofHours(1));
        assertThat(rules.jwt().keysFetchTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(rules.publicKey()).isNull();
    }

    @Test
    void anAccessTokenMustNameAConfiguredAudienceAndBeOfTypeBearer() {
        OAuth2TokenValidator<Jwt> validator = EdpJwtDecoders
            .validator(rules(Map.of("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER,
                    "edp.security.audiences", "edp-api, partner-api")));

        assertThat(validator.validate(jwt(List.of("account", "partner-api"), "Bearer")).hasErrors()).isFalse();
        assertThat(validator.validate(jwt("edp-api", "Bearer")).hasErrors()).isFalse();
        assertThat(validator.validate(jwt(null, "Bearer")).hasErrors()).as("no audience").isTrue();
        assertThat(validator.validate(jwt(List.of("account"), "Bearer")).hasErrors()).as("foreign").isTrue();
        assertThat(validator.validate(jwt(List.of("edp-api"), "ID")).hasErrors()).as("ID token").isTrue();
        assertThat(validator.validate(jwt(List.of("edp-api"), "Refresh")).hasErrors()).as("refresh").isTrue();
        assertThat(validator.validate(jwt(List.of("edp-api"), null)).hasErrors()).as("no type").isTrue();
    }

    @Test
    void anEmptyAudienceListStopsTheServiceRatherThanAcceptingNothing() {
        assertThatIllegalStateException()
            .isThrownBy(() -> rules(Map.of("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER,
                    "edp.security.audiences", " ")))
            .withMessageContaining("edp.security.audiences");
    }

}
