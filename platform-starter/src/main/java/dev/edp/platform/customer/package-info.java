/**
 * Refusing the callers of a deactivated customer in every servlet service.
 * <p>
 * Masterdata owns the customers. When it deactivates one it disables the customer's users
 * in Keycloak, but access tokens already issued stay valid until they expire (5 minutes
 * in the EDP realm). So every servlet service asks, for each authenticated caller that
 * carries a {@code customer_id} (and is not a platform admin), whether that customer is
 * still active, and refuses a deactivated customer's caller with 403
 * {@code CUSTOMER_DEACTIVATED}
 * ({@link dev.edp.platform.customer.CustomerStatusInterceptor}). The answer comes from a
 * {@link dev.edp.platform.customer.CustomerStatusLookup}: by default masterdata's
 * {@code GET /api/masterdata/v1/customers/{id}/status}, called through the registry with
 * the caller's own token and cached per customer for a short time; masterdata itself
 * reads its own database.
 */
package dev.edp.platform.customer;
