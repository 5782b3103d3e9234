package dev.edp.platform.device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys fetched from E3 (its JWKS, a service's request keys) as a service keeps them:
 * fetched on first use, kept for {@code maxAge}, and fetched again <em>at once</em> when
 * a request names a key the cached set lacks (E3 restarted with a fresh key, or rotated
 * while this copy was cached).
 * <p>
 * Fetches - for whatever reason - happen at most once per {@code minRefetchInterval}: a
 * caller who can reach the service directly could otherwise make up key ids and make
 * every request a call to E3. A fetch that fails keeps the set fetched before, and while
 * one request refreshes an old set the others use it rather than wait.
 *
 * @param <T> the key set
 */
final class RefetchedKeys<T> {

    private static final Logger log = LoggerFactory.getLogger(RefetchedKeys.class);

    /** Fetches the whole set. */
    @FunctionalInterface
    interface Fetcher<T> {

        T fetch() throws Exception;

    }

    /** Nothing was fetched yet and the fetch failed. */
    static final class Unavailable extends RuntimeException {

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }

    }

    /** The keys and when they were fetched, replaced as one. */
    private record Fetched<T>(T keys, Instant at) {
    }

    private final String what;

    private final Fetcher<T> fetcher;

    private final Duration minRefetchInterval;

    private final Duration maxAge;

    private final Clock clock;

    private final ReentrantLock lock = new ReentrantLock();

    private volatile Fetched<T> cached;

    /** Only under the lock. */
    private Instant lastAttempt;

    /**
     * @param what what is fetched and from where, for the log
     * @param fetcher fetches the set (called under a lock, one at a time)
     */
    RefetchedKeys(String what, Fetcher<T> fetcher, Duration minRefetchInterval, Duration maxAge, Clock clock) {
        this.what = what;
        this.fetcher = fetcher;
        this.minRefetchInterval = minRefetchInterval;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * @param has whether a set holds the key the caller looks for
     * @return the set to look the key up in: the cached one while it is fresh and has the
     * key, else one fetched now if the interval allows, else the cached one; null if none
     * was ever fetched
     * @throws Unavailable if nothing was fetched before and fetching fails
     */
    T keys(Predicate<T> has) {
        Fetched<T> seen = cached;
        boolean known = seen != null && has.test(seen.keys());
        if (known && clock.instant().isBefore(seen.at().plus(maxAge))) {
            return seen.keys();
        }
        if (known) {
            // Old but usable: one request refreshes, the others go on with what is known.
            if (!lock.tryLock()) {
                return seen.keys();
            }
        }
        else {
            lock.lock();
        }
        try {
            Fetched<T> current = cached;
            if (current != null && current != seen && has.test(current.keys())) {
                // Another request fetched while this one waited for the lock.
                return current.keys();
            }
            Instant now = clock.instant();
            if (lastAttempt == null || !now.isBefore(lastAttempt.plus(minRefetchInterval))) {
                lastAttempt = now;
                try {
                    current = new Fetched<>(fetcher.fetch(), now);
                    cached = current;
                }
                catch (Exception ex) {
                    if (ex instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    if (current == null) {
                        throw new Unavailable("Cannot fetch " + what + ": " + ex.getMessage(), ex);
                    }
                    log.warn("Cannot fetch {}, keeping the keys fetched before: {}", what, ex.getMessage());
                }
            }
            return current == null ? null : current.keys();
        }
        finally {
            lock.unlock();
        }
    }

}
