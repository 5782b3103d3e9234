package dev.edp.agent;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * A latency distribution as counts in logarithmic buckets (each about 4 % wider than the
 * one before, from 1 µs to about an hour), so percentiles are exact to within 4 % at any
 * scale and recording costs one array slot. Immutable; {@link #since} gives the
 * distribution of an interval between two snapshots.
 *
 * @param counts events per bucket
 */
public record Latencies(long[] counts) {

    static final double GROWTH = 1.04;
    static final int BUCKETS = 560;

    private static final double LOG_GROWTH = Math.log(GROWTH);

    public Latencies {
        counts = counts.clone();
    }

    /**
     * @return a distribution with no events
     */
    public static Latencies none() {
        return new Latencies(new long[BUCKETS]);
    }

    static int bucket(Duration latency) {
        long micros = Math.max(1, latency.toNanos() / 1000);
        return (int) Math.min(BUCKETS - 1, Math.ceil(Math.log(micros) / LOG_GROWTH));
    }

    /**
     * @return the upper bound of a bucket
     */
    static Duration upperBound(int bucket) {
        return Duration.ofNanos((long) (Math.pow(GROWTH, bucket) * 1000));
    }

    /**
     * @return how many events
     */
    public long count() {
        return Arrays.stream(counts).sum();
    }

    /**
     * @param quantile between 0 and 1, e.g. 0.99
     * @return the latency that this share of events did not exceed (within 4 %), or null
     * without events
     */
    public Duration percentile(double quantile) {
        long total = count();
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(counts.length - 1);
    }

    /**
     * @param earlier a snapshot of the same recorder taken before this one
     * @return the events recorded between the two
     */
    public Latencies since(Latencies earlier) {
        long[] difference = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            difference[i] = counts[i] - earlier.counts[i];
        }
        return new Latencies(difference);
    }

    /**
     * @return e.g. {@code p50 4 ms, p99 31 ms}, or {@code none}
     */
    public String summary() {
        return count() == 0 ? "none" : "p50 " + format(percentile(0.5)) + ", p99 " + format(percentile(0.99));
    }

    static String format(Duration latency) {
        double millis = latency.toNanos() / 1e6;
        if (millis >= 10_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000);
        }
        return String.format(Locale.ROOT, millis < 1 ? "%.2f ms" : millis < 10 ? "%.1f ms" : "%.0f ms", millis);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Latencies that && Arrays.equals(counts, that.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Latencies[" + summary() + " of " + count() + "]";
    }
}
