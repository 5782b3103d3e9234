package dev.edp.platform.client;

import java.time.Duration;

/**
 * How an outbox row that failed for a reason that may pass waits:
 * {@code initial × 2^(attempt − 1)}, at most {@code max}, until {@code maxAttempts}
 * failed attempts, after which it is given up on.
 *
 * @param initial wait after the first failed attempt
 * @param max longest wait
 * @param maxAttempts failed attempts after which a row is dead (at least 1)
 */
public record OutboxRetries(Duration initial, Duration max, int maxAttempts) {

    /** Clamps {@code maxAttempts} to at least 1. */
    public OutboxRetries {
        maxAttempts = Math.max(1, maxAttempts);
    }

    /**
     * @param attempt the failed attempt just made, counting from 1
     * @return the wait before the next one
     */
    public Duration backoff(int attempt) {
        Duration wait = initial.multipliedBy(1L << Math.min(Math.max(0, attempt - 1), 20));
        return wait.compareTo(max) > 0 ? max : wait;
    }

    /**
     * @param attempt the failed attempt just made, counting from 1
     * @return whether the row is given up on
     */
    public boolean exhausted(int attempt) {
        return attempt >= maxAttempts;
    }
}
