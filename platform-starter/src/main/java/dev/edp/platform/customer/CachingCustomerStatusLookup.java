package dev.edp.platform.customer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each customer's state for {@code ttl}, so a service asks masterdata at most about
 * once per customer and TTL (two requests that miss at the same moment may both ask; that
 * is harmless).
 * <p>
 * When a lookup fails, the last known state is used again if there is one (a customer
 * known to be deactivated stays refused during a masterdata outage), and the service does
 * not ask about that customer again for {@code retryAfterFailure}. Without a known state
 * the failure is passed on ({@link CustomerStatusUnavailableException}) and the caller
 * decides; the interceptor lets the request through (see docs/security.md). At most
 * {@code maxSize} customers are kept: when full, expired entries go first, then those
 * that expire soonest.
 */
public class CachingCustomerStatusLookup implements CustomerStatusLookup {

    private static final Logger log = LoggerFactory.getLogger(CachingCustomerStatusLookup.class);

    private final CustomerStatusLookup delegate;

    private final Duration ttl;

    private final Duration retryAfterFailure;

    private final int maxSize;

    private final Clock clock;

    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param delegate the lookup to cache
     * @param ttl how long a state is used
     * @param retryAfterFailure how long to wait before asking again after a failure
     * @param maxSize how many customers to keep at most
     * @param clock the clock
     */
    public CachingCustomerStatusLookup(CustomerStatusLookup delegate, Duration ttl, Duration retryAfterFailure,
            int maxSize, Clock clock) {
        this.delegate = delegate;
        this.ttl = ttl;
        this.retryAfterFailure = retryAfterFailure;
        this.maxSize = maxSize;
        this.clock = clock;
    }

    @Override
    public CustomerState stateOf(UUID customerId, String bearerToken) {
        Instant now = clock.instant();
        Entry cached = entries.get(customerId);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.known();
        }
        try {
            CustomerState state = delegate.stateOf(customerId, bearerToken);
            put(customerId, new Entry(state, now.plus(ttl)), now);
            return state;
        }
        catch (CustomerStatusUnavailableException ex) {
            CustomerState lastKnown = cached == null ? null : cached.state();
            put(customerId, new Entry(lastKnown, now.plus(retryAfterFailure)), now);
            log.warn("Cannot check whether customer {} is active ({}); {} for {}", customerId, ex.getMessage(),
                    lastKnown == null ? "letting its callers through" : "using its last known state " + lastKnown,
                    retryAfterFailure);
            if (lastKnown == null) {
                throw ex;
            }
            return lastKnown;
        }
    }

    /**
     * @return how many customers are cached
     */
    public int size() {
        return entries.size();
    }

    private void put(UUID customerId, Entry entry, Instant now) {
        if (entries.size() >= maxSize && !entries.containsKey(customerId)) {
            entries.values().removeIf(existing -> !now.isBefore(existing.expires()));
            while (entries.size() >= maxSize) {
                entries.entrySet()
                    .stream()
                    .min(Comparator.comparing(e -> e.getValue().expires()))
                    .ifPresent(oldest -> entries.remove(oldest.getKey(), oldest.getValue()));
            }
        }
        entries.put(customerId, entry);
    }

    /** A state (null: unknown, the last lookup failed) and when to ask again. */
    private record Entry(CustomerState state, Instant expires) {

        CustomerState known() {
            if (state == null) {
                throw new CustomerStatusUnavailableException("masterdata could not be asked recently", null);
            }
            return state;
        }
    }

}
