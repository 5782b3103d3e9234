package dev.edp.agent;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The simulator's latency distributions: percentiles within 4 %, intervals by difference.
 */
class LatenciesTests {

    @Test
    void percentilesAreWithinFourPercentAtAnyScale() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int ms = 1; ms <= 100; ms++) {
            recorder.record(Duration.ofMillis(ms));
        }
        Latencies all = recorder.snapshot();
        assertThat(all.count()).isEqualTo(100);
        assertThat(all.percentile(0.5).toNanos() / 1e6).isCloseTo(50, within(2.0));
        assertThat(all.percentile(0.99).toNanos() / 1e6).isCloseTo(99, within(4.0));
        assertThat(all.percentile(0.5)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        recorder.record(Duration.ofSeconds(90));
        assertThat(recorder.snapshot().percentile(1.0).toNanos() / 1e9).isCloseTo(90, within(3.6));
        assertThat(Latencies.none().percentile(0.5)).isNull();
        assertThat(Latencies.none().summary()).isEqualTo("none");
    }

    @Test
    void sinceGivesTheDistributionOfAnInterval() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < 1000; i++) {
            recorder.record(Duration.ofMillis(2));
        }
        Latencies before = recorder.snapshot();
        for (int i = 0; i < 10; i++) {
            recorder.record(Duration.ofMillis(400));
        }
        Latencies interval = recorder.snapshot().since(before);
        assertThat(interval.count()).isEqualTo(10);
        assertThat(interval.percentile(0.5).toMillis()).isBetween(400L, 416L);
        assertThat(interval.summary()).isEqualTo("p50 " + Latencies.format(interval.percentile(0.5)) + ", p99 "
                + Latencies.format(interval.percentile(0.99)));
        assertThat(recorder.snapshot().percentile(0.5).toNanos()).isBetween(2_000_000L, 2_080_000L);
    }

}
