package dev.edp.agent;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

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

    /**
     * E3 answers {@code 503 Retry-After: 1} in its first moments after a restart: 200
     * devices that all got it must not all come back exactly one second later (they did:
     * the first backoff, at most one second, never exceeded the Retry-After, so every
     * device waited exactly 1000 ms).
     */
    @Test
    void spreadsDevicesThatGotTheSameRetryAfter() {
        long[] waits = IntStream.range(0, 200)
            .mapToLong(device -> new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5)).next(Duration.ofSeconds(1))
                .toMillis())
            .toArray();
        LongSummaryStatistics stats = LongStream.of(waits).summaryStatistics();
        assertThat(stats.getMin()).isGreaterThanOrEqualTo(1000);
        assertThat(stats.getMax()).isLessThanOrEqualTo(1500);
        assertThat(stats.getMax() - stats.getMin()).as("spread of 200 devices' retries").isGreaterThan(250);
        assertThat(LongStream.of(waits).distinct().count()).as("distinct waits").isGreaterThan(50);
    }

}
