package dev.edp.onboarding.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import dev.edp.platform.problem.EdpException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class FailureThrottleTests {

    @Test
    void blocksAnAddressAfterTooManyFailuresUntilTheWindowEnds() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T10:00:00Z"));
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public Instant instant() { return now.get(); }
        };
        FailureThrottle throttle = new FailureThrottle(3, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 3; i++) {
            throttle.check("10.0.0.1");
            throttle.failed("10.0.0.1");
        }
        assertThatExceptionOfType(EdpException.class).isThrownBy(() -> throttle.check("10.0.0.1"))
                .satisfies(ex -> {
                    assertThat(ex.getStatusCode().value()).isEqualTo(429);
                    assertThat(ex.getHeaders().getFirst("Retry-After")).isEqualTo("60");
                });
        assertThatNoException().isThrownBy(() -> throttle.check("10.0.0.2"));
        now.set(now.get().plusSeconds(61));
        assertThatNoException().isThrownBy(() -> throttle.check("10.0.0.1"));
    }
}
