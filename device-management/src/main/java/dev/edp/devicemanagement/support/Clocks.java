package dev.edp.devicemanagement.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Time as PostgreSQL stores it. */
public final class Clocks {

    private Clocks() {
    }

    /**
     * The current instant at PostgreSQL's precision (microseconds), so a value read back equals the
     * one written and keyset cursors made from either agree.
     * @return now
     */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
