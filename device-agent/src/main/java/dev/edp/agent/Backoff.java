package dev.edp.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, capped: the n-th consecutive failure waits a
 * random time in [initial·2ⁿ⁻¹/2, initial·2ⁿ⁻¹], at most {@code max}, and at least a
 * server's {@code Retry-After}, which is spread too: a random time in [Retry-After,
 * 1.5·Retry-After]. A thousand devices that lost E3 at the same moment, or that all got
 * E3's {@code 503 Retry-After: 1} while it starts, therefore do not come back at the same
 * moment. Not thread-safe: one per loop.
 */
public final class Backoff {

    private final Duration initial;

    private final Duration max;

    private int failures;

    /**
     * @param initial wait after the first failure
     * @param max longest wait
     */
    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /**
     * @param retryAfter the server's {@code Retry-After}, or null
     * @return how long to wait before the next attempt
     */
    public Duration next(Duration retryAfter) {
        failures++;
        long ceiling = initial.toMillis() << Math.min(failures - 1, 20);
        ceiling = Math.min(ceiling, max.toMillis());
        long wait = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        if (retryAfter != null) {
            // Retry-After alone would be one instant for every device that got it: spread
            // over half of it more.
            long floor = Math.max(0, retryAfter.toMillis());
            long spread = floor + ThreadLocalRandom.current().nextLong(floor / 2 + 1);
            wait = Math.max(wait, Math.min(spread, max.toMillis()));
        }
        return Duration.ofMillis(wait);
    }

    /** After a success: the next failure starts from {@code initial} again. */
    public void reset() {
        failures = 0;
    }

    /**
     * @return consecutive failures so far
     */
    public int failures() {
        return failures;
    }

}
