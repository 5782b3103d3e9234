package dev.edp.monitoring.support;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.edp.platform.customer.CustomerState;
import dev.edp.platform.customer.CustomerStatusLookup;

/**
 * Plays masterdata's customer status for the tests (discovery is off, so the starter's
 * default lookup is absent): every customer is {@link CustomerState#UNKNOWN} (let
 * through) unless a test deactivates it. Being the one lookup, it also switches the
 * starter's per-request check on.
 */
public class TestCustomers implements CustomerStatusLookup {

    private static final Set<UUID> DEACTIVATED = ConcurrentHashMap.newKeySet();

    /**
     * @param customer a customer whose callers and open streams must now be refused
     */
    public static void deactivate(UUID customer) {
        DEACTIVATED.add(customer);
    }

    @Override
    public CustomerState stateOf(UUID customerId, String bearerToken) {
        return DEACTIVATED.contains(customerId) ? CustomerState.DEACTIVATED : CustomerState.UNKNOWN;
    }

}
