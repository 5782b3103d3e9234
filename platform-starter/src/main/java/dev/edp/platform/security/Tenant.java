package dev.edp.platform.security;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.problem.PlatformProblem;

/**
 * Who is calling and for which customer they may act, resolved from the access token.
 * <p>
 * A {@code platform-admin} may act for any customer. Everyone else acts only for the
 * customer in their token's {@code customer_id} claim; a caller without one acts for
 * nobody. A request for another customer's resource is answered like a request for a
 * resource that does not exist (404), so that callers cannot probe which ids exist
 * elsewhere.
 *
 * @param subject the token subject (the Keycloak user or service-account id)
 * @param username the user name or client id, as audit records show it
 * @param customerId the caller's own customer, if any
 * @param roles the caller's realm roles (without {@code ROLE_})
 */
public record Tenant(String subject, String username, Optional<UUID> customerId, Set<String> roles) {

    /** Name of the token claim that carries the customer id. */
    public static final String CUSTOMER_CLAIM = "customer_id";

    /**
     * @param claims access-token (or ID-token) claims
     * @return the tenant they describe
     */
    public static Tenant fromClaims(Map<String, Object> claims) {
        Set<String> roles = KeycloakJwtAuthenticationConverter.authorities(claims)
            .stream()
            .map(authority -> authority.getAuthority().substring("ROLE_".length()))
            .collect(Collectors.toUnmodifiableSet());
        Optional<UUID> customer = Optional.empty();
        if (claims.get(CUSTOMER_CLAIM) instanceof String value && !value.isBlank()) {
            try {
                customer = Optional.of(UUID.fromString(value));
            }
            catch (IllegalArgumentException ex) {
                // A malformed claim grants nothing.
            }
        }
        return new Tenant(String.valueOf(claims.get("sub")), KeycloakJwtAuthenticationConverter.principalName(claims),
                customer, roles);
    }

    /**
     * @return how the caller appears in {@code created_by}/{@code updated_by} columns and
     * audit records: the user name, or the subject when the token has none
     */
    public String actor() {
        return username == null ? subject : username;
    }

    /**
     * @return whether the caller may act for every customer
     */
    public boolean isPlatformAdmin() {
        return roles.contains(EdpRoles.PLATFORM_ADMIN);
    }

    /**
     * @param role a realm role
     * @return whether the caller has it or a role above it
     */
    public boolean hasRole(String role) {
        return switch (role) {
            case EdpRoles.VIEWER -> hasRole(EdpRoles.OPERATOR) || roles.contains(role);
            case EdpRoles.OPERATOR -> hasRole(EdpRoles.CUSTOMER_ADMIN) || roles.contains(role);
            case EdpRoles.CUSTOMER_ADMIN -> isPlatformAdmin() || roles.contains(role);
            default -> roles.contains(role);
        };
    }

    /**
     * @param customer a customer id
     * @return whether the caller may see and act on that customer's data
     */
    public boolean canAccess(UUID customer) {
        return isPlatformAdmin() || customerId.map(own -> own.equals(customer)).orElse(false);
    }

    /**
     * Refuses access to another customer's resource as if it did not exist.
     * @param customer the customer owning the resource
     * @param what what was asked for, for the message ("Machine 42")
     * @throws EdpException 404 when the caller may not access it
     */
    public void requireAccess(UUID customer, String what) {
        if (!canAccess(customer)) {
            throw notFound(what);
        }
    }

    /**
     * The customer whose data a list shows: a platform admin may pick one or see all
     * (empty); everyone else always sees their own, whatever they asked for.
     * @param requested the customer asked for, if any
     * @return the customer to filter by, or empty for all customers
     */
    public Optional<UUID> listScope(Optional<UUID> requested) {
        if (isPlatformAdmin()) {
            return requested;
        }
        UUID own = customerId
            .orElseThrow(() -> PlatformProblem.NO_CUSTOMER.exception("Your account is not assigned to a customer."));
        if (requested.isPresent() && !requested.get().equals(own)) {
            throw notFound("Customer " + requested.get());
        }
        return Optional.of(own);
    }

    /**
     * The customer a new resource belongs to: a platform admin must name one; everyone
     * else creates for their own customer (naming another one is refused as not found).
     * @param requested the customer named in the request, if any
     * @return the owning customer
     */
    public UUID owningCustomer(Optional<UUID> requested) {
        if (isPlatformAdmin()) {
            return requested.orElseThrow(() -> PlatformProblem.CUSTOMER_REQUIRED
                .exception("A platform admin must say which customer the resource belongs to."));
        }
        return listScope(requested).orElseThrow();
    }

    private static EdpException notFound(String what) {
        return NotFound.of(what);
    }
}
