package dev.edp.platform.device;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The one long-poll setting and the gateway response timeout derived from it. */
class LongPollTests {

    static StandardEnvironment environment() {
        StandardEnvironment environment = new StandardEnvironment();
        // As in a Boot application: property lookups go through the configuration
        // property sources.
        ConfigurationPropertySources.attach(environment);
        environment.getPropertySources().addLast(LongPoll.derivedProperties(environment));
        return environment;
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void responseTimeoutIsTheMaximumWaitPlusTheMarginWhereverTheyAreSetAndWhenever() {
        StandardEnvironment environment = environment();
        assertThat(environment.resolvePlaceholders("${" + LongPoll.RESPONSE_TIMEOUT_MILLIS + "}")).isEqualTo("40000");
        assertThat(LongPoll.maxWait(environment)).isEqualTo(Duration.ofSeconds(30));

        // Set later and with higher precedence (e.g. test properties, the environment):
        // followed.
        environment.getPropertySources()
            .addFirst(new MapPropertySource("later", Map.of(LongPoll.MAX_WAIT, "2s", LongPoll.TIMEOUT_MARGIN, "3s")));
        assertThat(environment.getProperty(LongPoll.RESPONSE_TIMEOUT_MILLIS)).isEqualTo("5000");
        assertThat(Binder.get(environment).bind(LongPoll.RESPONSE_TIMEOUT_MILLIS, Long.class).get()).isEqualTo(5000L);
        assertThat(LongPoll.maxWait(environment)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aNegativeMaximumIsRefused() {
        StandardEnvironment environment = environment();
        environment.getPropertySources().addFirst(new MapPropertySource("bad", Map.of(LongPoll.MAX_WAIT, "-1s")));
        assertThatIllegalArgumentException().isThrownBy(() -> LongPoll.maxWait(environment));
    }

}
