package dev.edp.test.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it: give it to the code under test as its
 * {@link Clock} bean, and time-dependent behaviour (cache expiry, retry pauses) happens
 * exactly when the test says, however slow the machine is. Safe to read from request
 * threads while the test moves it.
 */
public final class TestClock extends Clock {

    private final AtomicReference<Instant> now;

    private final ZoneId zone;

    private TestClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * @param start the first instant
     * @return a clock at {@code start}, in UTC
     */
    public static TestClock at(Instant start) {
        return new TestClock(new AtomicReference<>(start), ZoneOffset.UTC);
    }

    /**
     * @return a clock at the current time of the system clock, in UTC
     */
    public static TestClock startingNow() {
        return at(Instant.now());
    }

    /**
     * Moves the clock forward.
     * @param duration how far
     * @return the new instant
     */
    public Instant advance(Duration duration) {
        return now.updateAndGet(instant -> instant.plus(duration));
    }

    /**
     * Puts the clock at an instant, forward or back (a certificate's validity, a cache's
     * age).
     * @param instant where the clock stands from now on
     * @return that instant
     */
    public Instant set(Instant instant) {
        now.set(instant);
        return instant;
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same moving instant, seen in another zone. */
    @Override
    public Clock withZone(ZoneId zone) {
        return new TestClock(now, zone);
    }

}
