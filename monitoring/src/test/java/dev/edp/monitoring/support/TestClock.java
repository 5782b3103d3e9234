package dev.edp.monitoring.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.springframework.context.annotation.Primary;

/**
 * The service's clock in tests that import it: it ticks with the system clock until a
 * test {@link #freeze() freezes} it; then time moves only when the test {@link #advance
 * advances} it, so "the device has been silent for 5 s" or "the backoff has passed"
 * happen when the test says, not when a loaded machine gets round to them.
 * {@link #release()} lets it tick again from where it stands (it never goes back).
 */
@Primary
public class TestClock extends Clock {

    private volatile Instant frozen;

    private volatile Duration offset = Duration.ZERO;

    /**
     * Stops the clock at the current instant (whole milliseconds, as the database keeps
     * them).
     */
    public synchronized void freeze() {
        frozen = instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * @param duration how far to move the clock forward
     */
    public synchronized void advance(Duration duration) {
        if (frozen != null) {
            frozen = frozen.plus(duration);
        }
        else {
            offset = offset.plus(duration);
        }
    }

    /** Lets the clock tick again, from the instant it stands at. */
    public synchronized void release() {
        if (frozen != null) {
            Duration ahead = Duration.between(Instant.now(), frozen);
            offset = ahead.isNegative() ? offset : ahead;
            frozen = null;
        }
    }

    @Override
    public Instant instant() {
        Instant stopped = frozen;
        return stopped != null ? stopped : Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(instant(), zone);
    }

}
