package dev.edp.gateway.session;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SessionProperties}: the names and defaults the {@code @Value} expressions it
 * replaced had.
 */
class SessionPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SessionProperties.class)
    static class Bound {

    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Test
    void thirtyMinutesAndAPlainCookieByDefault() {
        runner.run(context -> assertThat(context.getBean(SessionProperties.class))
            .isEqualTo(new SessionProperties(Duration.ofMinutes(30), false)));
    }

    @Test
    void bothSettingsAreBoundByTheirNames() {
        runner.withPropertyValues("edp.session.max-inactive=5m", "edp.session.secure-cookie=true")
            .run(context -> assertThat(context.getBean(SessionProperties.class))
                .isEqualTo(new SessionProperties(Duration.ofMinutes(5), true)));
    }

}
