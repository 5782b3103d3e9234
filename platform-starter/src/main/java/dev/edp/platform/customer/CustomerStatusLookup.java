package dev.edp.platform.customer;

import java.util.UUID;

/**
 * Tells whether a customer is active. The starter's default asks masterdata over HTTP
 * ({@link MasterdataCustomerStatusLookup}, cached); masterdata declares its own bean that
 * reads its database, and the starter's default then backs off.
 */
@FunctionalInterface
public interface CustomerStatusLookup {

    /**
     * @param customerId the customer in the caller's token
     * @param bearerToken the caller's access token, for a lookup that relays it (may be
     * ignored)
     * @return the customer's state
     * @throws CustomerStatusUnavailableException when the state cannot be found out right
     * now
     */
    CustomerState stateOf(UUID customerId, String bearerToken);

}
