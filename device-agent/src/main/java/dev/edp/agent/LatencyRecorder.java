package dev.edp.agent;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/** Records latencies from many threads into {@link Latencies} buckets without locks. */
final class LatencyRecorder {

    private final AtomicLongArray counts = new AtomicLongArray(Latencies.BUCKETS);

    void record(Duration latency) {
        counts.incrementAndGet(Latencies.bucket(latency));
    }

    Latencies snapshot() {
        long[] copy = new long[Latencies.BUCKETS];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts.get(i);
        }
        return new Latencies(copy);
    }

}
