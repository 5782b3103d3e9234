package dev.edp.masterdata.customer;

import java.util.UUID;

import dev.edp.platform.security.Tenant;

/**
 * Published inside the transaction that deactivates a customer. Listeners run in that
 * transaction: if one fails (Keycloak unreachable while disabling the customer's users),
 * the deactivation is rolled back and the caller gets the listener's problem.
 *
 * @param customerId the deactivated customer
 * @param actor who deactivated it
 */
public record CustomerDeactivated(UUID customerId, Tenant actor) {
}
