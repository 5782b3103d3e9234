package dev.edp.monitoring.connectivity;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code edp.monitoring.connectivity-relay.*} bound as a record (it was read with
 * {@code @Value}): same names and defaults, with and without the service's
 * {@code application.yml}.
 */
class ConnectivityRelayPropertiesTests {

    @EnableConfigurationProperties(ConnectivityRelayProperties.class)
    static class Relay {

    }

    @Test
    void defaultsAreOneSecondAndAtMostAMinuteBetweenFailedCalls() {
        for (ApplicationContextRunner runner : new ApplicationContextRunner[] { new ApplicationContextRunner(),
                new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer()) }) {
            runner.withUserConfiguration(Relay.class).run(context -> {
                ConnectivityRelayProperties properties = context.getBean(ConnectivityRelayProperties.class);
                assertThat(properties.interval()).isEqualTo(Duration.ofSeconds(1));
                assertThat(properties.maxBackoff()).isEqualTo(Duration.ofMinutes(1));
            });
        }
    }

    @Test
    void bothCanBeSet() {
        new ApplicationContextRunner().withUserConfiguration(Relay.class)
            .withPropertyValues("edp.monitoring.connectivity-relay.interval=250ms",
                    "edp.monitoring.connectivity-relay.max-backoff=5m")
            .run(context -> {
                ConnectivityRelayProperties properties = context.getBean(ConnectivityRelayProperties.class);
                assertThat(properties.interval()).isEqualTo(Duration.ofMillis(250));
                assertThat(properties.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
            });
    }

}
