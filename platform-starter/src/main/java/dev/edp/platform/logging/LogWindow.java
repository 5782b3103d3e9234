package dev.edp.platform.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Lets one log line of a kind through per window and counts the ones held back, so that a
 * failure repeated on every request (a gateway's fallbacks under load, tokens that cannot
 * be checked while Keycloak is down) names its reason without flooding the log.
 */
public final class LogWindow {

    private final Duration every;

    private final Clock clock;

    private Instant loggedAt;

    private long heldBack;

    /**
     * @param every at most one line per this long
     * @param clock decides when the next line is due
     */
    public LogWindow(Duration every, Clock clock) {
        this.every = every;
        this.clock = clock;
    }

    /**
     * @return how many lines were held back since the last one when this one is to be
     * logged (0 or more); -1 when it is to be held back
     */
    public synchronized long heldBackIfDue() {
        Instant now = clock.instant();
        if (loggedAt != null && now.isBefore(loggedAt.plus(every))) {
            heldBack++;
            return -1;
        }
        loggedAt = now;
        long since = heldBack;
        heldBack = 0;
        return since;
    }

    /**
     * @param heldBack what {@link #heldBackIfDue()} returned for a line that is logged
     * @return {@code " and N more times since the last such line"}, or empty for none
     */
    public static String andMore(long heldBack) {
        return (heldBack > 0) ? " and " + heldBack + " more times since the last such line" : "";
    }

}
