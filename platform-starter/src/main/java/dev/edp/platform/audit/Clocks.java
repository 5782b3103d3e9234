package dev.edp.platform.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Time as PostgreSQL stores it. */
public final class Clocks {

    private Clocks() {
    }

    /**
     * The current instant at PostgreSQL's precision (microseconds), so a value read back
     * equals the one written and keyset cursors made from either agree.
     * @return now
     */
    public static Instant now() {
        return now(Clock.systemUTC());
    }

    /**
     * @param clock the clock to read
     * @return its instant at PostgreSQL's precision
     */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

}
