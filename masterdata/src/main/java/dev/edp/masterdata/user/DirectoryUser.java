package dev.edp.masterdata.user;

import java.time.Instant;
import java.util.UUID;

/**
 * A user as the identity provider holds it.
 *
 * @param id the Keycloak user id (the {@code sub} of the user's tokens)
 * @param username login name
 * @param email e-mail address
 * @param firstName first name
 * @param lastName last name
 * @param enabled whether the user may log in
 * @param customerId the {@code customer_id} attribute, or null
 * @param role the highest EDP realm role mapped to the user, or null
 * @param createdAt when the user was created
 */
record DirectoryUser(String id, String username, String email, String firstName, String lastName, boolean enabled,
        UUID customerId, String role, Instant createdAt) {

    /**
     * @return this user, disabled
     */
    DirectoryUser disabled() {
        return new DirectoryUser(id, username, email, firstName, lastName, false, customerId, role, createdAt);
    }
}
