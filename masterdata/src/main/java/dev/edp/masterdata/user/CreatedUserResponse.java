package dev.edp.masterdata.user;

/**
 * A user just created, with how they log in for the first time.
 *
 * @param user the user
 * @param invitation {@code PASSWORD}: {@code oneTimePassword} is the initial password,
 * shown only in this response; {@code EMAIL}: Keycloak sent an e-mail to set a password
 * @param oneTimePassword the initial password, when {@code invitation} is
 * {@code PASSWORD}
 */
record CreatedUserResponse(UserResponse user, String invitation, String oneTimePassword) {
}
