package dev.edp.masterdata.customer;

import java.util.UUID;

import dev.edp.platform.customer.CustomerState;
import dev.edp.platform.customer.CustomerStatusLookup;

import org.springframework.stereotype.Component;

/**
 * Masterdata checks its callers' customers in its own database (one primary-key read per
 * request, not cached), instead of asking itself over HTTP like the other services do. A
 * deactivation is therefore refused here from the moment it commits.
 */
@Component
class LocalCustomerStatusLookup implements CustomerStatusLookup {

    private final CustomerRepository customers;

    LocalCustomerStatusLookup(CustomerRepository customers) {
        this.customers = customers;
    }

    @Override
    public CustomerState stateOf(UUID customerId, String bearerToken) {
        return customers.status(customerId)
            .map(status -> status == CustomerStatus.ACTIVE ? CustomerState.ACTIVE : CustomerState.DEACTIVATED)
            .orElse(CustomerState.UNKNOWN);
    }

}
