package dev.edp.platform.security;

import java.time.Duration;
import java.util.UUID;

import dev.edp.test.security.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link EdpReactiveSecurityAutoConfiguration}: the gateways' token decoder with the
 * rules of {@code edp.security.*}, backing off for a gateway's own decoder.
 */
class EdpReactiveSecurityAutoConfigurationTests {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EdpReactiveSecurityAutoConfiguration.class))
        .withPropertyValues("spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestJwtIssuer.ISSUER,
                "spring.security.oauth2.resourceserver.jwt.public-key-location=" + TestJwtIssuer.publicKeyLocation());

    @Test
    void theDecoderAcceptsTheDefaultAudienceOnly() {
        runner.run(context -> {
            ReactiveJwtDecoder decoder = context.getBean(ReactiveJwtDecoder.class);
            assertThat(decoder.decode(TestJwtIssuer.token("alice", UUID.randomUUID(), "viewer"))
                .block(Duration.ofSeconds(30))
                .getSubject()).isNotBlank();
            assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder
                .decode(TestJwtIssuer.tokenForAudience("partner-api", "alice", UUID.randomUUID(), "viewer"))
                .block(Duration.ofSeconds(30)));
        });
    }

    @Test
    void theConfiguredAudiencesAreTheOnesAccepted() {
        runner.withPropertyValues("edp.security.audiences=partner-api").run(context -> {
            ReactiveJwtDecoder decoder = context.getBean(ReactiveJwtDecoder.class);
            assertThat(
                    decoder.decode(TestJwtIssuer.tokenForAudience("partner-api", "alice", UUID.randomUUID(), "viewer"))
                        .block(Duration.ofSeconds(30))
                        .getAudience())
                .contains("partner-api");
            assertThatExceptionOfType(JwtException.class)
                .isThrownBy(() -> decoder.decode(TestJwtIssuer.token("alice", UUID.randomUUID(), "viewer"))
                    .block(Duration.ofSeconds(30)));
        });
    }

    @Test
    void backsOffForTheGatewaysOwnDecoder() {
        ReactiveJwtDecoder own = TestJwtIssuer.reactiveJwtDecoder();
        runner.withBean(ReactiveJwtDecoder.class, () -> own)
            .run(context -> assertThat(context.getBean(ReactiveJwtDecoder.class)).isSameAs(own));
    }

    @Test
    void doesNotApplyToServletServicesOrWithoutTheReactiveDecoder() {
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EdpReactiveSecurityAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(ReactiveJwtDecoder.class));
        runner.withClassLoader(new FilteredClassLoader(ReactiveJwtDecoder.class))
            .run(context -> assertThat(context).doesNotHaveBean("edpReactiveJwtDecoder"));
    }

}
