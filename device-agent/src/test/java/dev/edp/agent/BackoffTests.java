package dev.edp.agent;

import java.time.Duration;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTests {

    @RepeatedTest(20)
    void growsExponentiallyWithJitterAndIsCapped() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        long[] ceilings = { 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000 };
        for (long ceiling : ceilings) {
            long wait = backoff.next(null).toMillis();
            assertThat(wait).isBetween(ceiling / 2, ceiling);
        }
    }

    @Test
    void honoursRetryAfterUpToTheCapAndStartsOverAfterReset() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
        assertThat(backoff.next(Duration.ofSeconds(5))).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.next(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(10));
        backoff.next(null);
        backoff.reset();
        assertThat(backoff.failures()).isZero();
        assertThat(backoff.next(null)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    }
}
