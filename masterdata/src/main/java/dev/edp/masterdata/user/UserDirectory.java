package dev.edp.masterdata.user;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where users live: the identity provider (Keycloak). Masterdata keeps no users and no
 * passwords. Every method throws a 503 problem when the identity provider cannot be
 * reached.
 */
interface UserDirectory {

    /**
     * Creates an enabled user with the {@code customer_id} attribute and one realm role.
     * @param user the user
     * @param password its initial password, or null to send an "update password" e-mail
     * instead
     * @param temporary whether the password must be changed on first login
     * @return the new user's id
     * @throws dev.edp.platform.problem.EdpException 409 {@code USERNAME_TAKEN} /
     * {@code EMAIL_TAKEN}
     */
    String create(NewUser user, String password, boolean temporary);

    /**
     * @param customerId a customer
     * @param first how many users to skip (Keycloak pages by offset, ordered by username)
     * @param max how many to return at most
     * @return that customer's users
     */
    List<DirectoryUser> list(UUID customerId, int first, int max);

    /**
     * @param id a user id
     * @return the user, if there is one
     */
    Optional<DirectoryUser> find(String id);

    /**
     * Makes {@code role} the user's only EDP realm role.
     * @param id the user
     * @param role an EDP realm role
     */
    void setRole(String id, String role);

    /**
     * @param id the user
     * @param enabled whether the user may log in
     */
    void setEnabled(String id, boolean enabled);

    /**
     * A user to create.
     *
     * @param username login name
     * @param email e-mail address
     * @param firstName first name
     * @param lastName last name
     * @param customerId the customer
     * @param role the EDP realm role
     */
    record NewUser(String username, String email, String firstName, String lastName, UUID customerId, String role) {
    }

}
