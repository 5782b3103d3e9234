package dev.edp.bench;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one measured phase saw: completions by status (or error kind) and every latency.
 * Latencies are kept exactly (a growing array of nanoseconds, one per completion) and
 * sorted once at the end: at a few tens of thousands of requests per second for tens of
 * seconds that is a few MB.
 */
final class Stats {

    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    private long[] latencies = new long[1 << 16];

    private int count;

    private long startedNanos;

    private long endedNanos;

    void start() {
        startedNanos = System.nanoTime();
    }

    void end() {
        endedNanos = System.nanoTime();
    }

    /**
     * @param outcome a status code or an error kind
     */
    synchronized void record(String outcome, long latencyNanos) {
        outcomes.computeIfAbsent(outcome, key -> new LongAdder()).increment();
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[count++] = latencyNanos;
    }

    /**
     * @param expected the status that counts as success, e.g. 202
     * @return the summary
     */
    synchronized Result result(String name, int expected) {
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        double seconds = Math.max(1e-9, (endedNanos - startedNanos) / 1e9);
        long ok = outcomes.getOrDefault(Integer.toString(expected), new LongAdder()).sum();
        Map<String, Long> all = new TreeMap<>();
        outcomes.forEach((key, value) -> all.put(key, value.sum()));
        return new Result(name, count, ok, ok / seconds, percentile(sorted, 0.50), percentile(sorted, 0.99), all,
                seconds, Map.of());
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /**
     * One line of the report.
     *
     * @param name the phase
     * @param completed requests that ended (any outcome)
     * @param succeeded requests with the expected status
     * @param perSecond successful requests per second
     * @param p50Millis median latency of all completions
     * @param p99Millis 99th percentile latency of all completions
     * @param outcomes completions by status or error kind
     * @param seconds measured time
     * @param cpuMicros CPU per successful request of each server-side process that spent
     * at least 1 % of the window's CPU, in µs ({@link CpuMeter}); empty when not measured
     */
    record Result(String name, long completed, long succeeded, double perSecond, double p50Millis, double p99Millis,
            Map<String, Long> outcomes, double seconds, Map<String, Double> cpuMicros) {

        Result withCpu(Map<String, Double> micros) {
            return new Result(name, completed, succeeded, perSecond, p50Millis, p99Millis, outcomes, seconds,
                    Collections.unmodifiableMap(new LinkedHashMap<>(micros)));
        }

        /** All server-side CPU per successful request, µs (0 when not measured). */
        double cpuMicrosTotal() {
            return CpuMeter.total(cpuMicros);
        }

        long failed() {
            return completed - succeeded;
        }

        String outcomesText() {
            StringBuilder text = new StringBuilder();
            outcomes
                .forEach((key, value) -> text.append(text.isEmpty() ? "" : " ").append(key).append('×').append(value));
            return text.toString();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %.0f/s, p50 %.2f ms, p99 %.2f ms, %s; CPU µs per request: %s", name,
                    perSecond, p50Millis, p99Millis, outcomesText(), CpuMeter.text(cpuMicros));
        }
    }

}
