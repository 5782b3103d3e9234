package dev.edp.masterdata.user;

import java.time.Instant;
import java.util.UUID;

/**
 * A user of a customer, as Keycloak holds it.
 *
 * @param id the Keycloak user id (the {@code sub} of the user's tokens)
 * @param customerId the customer ({@code customer_id} attribute and claim)
 * @param username login name
 * @param email e-mail address
 * @param firstName first name
 * @param lastName last name
 * @param role the user's EDP realm role
 * @param enabled whether the user may log in
 * @param createdAt when the user was created
 */
record UserResponse(String id, UUID customerId, String username, String email, String firstName, String lastName,
        String role, boolean enabled, Instant createdAt) {

    static UserResponse of(DirectoryUser user) {
        return new UserResponse(user.id(), user.customerId(), user.username(), user.email(), user.firstName(),
                user.lastName(), user.role(), user.enabled(), user.createdAt());
    }
}
