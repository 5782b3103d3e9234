package dev.edp.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test sets instead of waiting: it stands where it was put until moved, so the
 * agent's renewal schedule and {@link FakeE3}'s expiry checks see the same time, however
 * slow the machine.
 */
final class MovableClock extends Clock {

    private volatile Instant now;

    MovableClock(Instant start) {
        this.now = start;
    }

    /**
     * @param instant where the clock stands from now on (never back)
     */
    synchronized void set(Instant instant) {
        if (instant.isBefore(now)) {
            throw new IllegalArgumentException("the test clock never goes back");
        }
        now = instant;
    }

    /**
     * @param amount how far to move forward
     */
    void advance(Duration amount) {
        set(now.plus(amount));
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test clock is UTC");
    }

}
