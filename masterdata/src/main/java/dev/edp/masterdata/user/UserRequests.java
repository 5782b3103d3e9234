package dev.edp.masterdata.user;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the user API. */
final class UserRequests {

    static final String ROLE_PATTERN = "platform-admin|customer-admin|operator|viewer";

    static final String ROLE_MESSAGE = "must be one of platform-admin, customer-admin, operator, viewer";

    /**
     * What Keycloak's person-name validator refuses, refused here first with a field
     * error.
     */
    static final String PERSON_NAME = "[^<>&\"$%!#?§;*~/\\\\|^=\\[\\]{}()\\p{Cntrl}]*";

    private UserRequests() {
    }

    /**
     * A user to create for a customer.
     *
     * @param username login name: 3 to 64 lower-case letters, digits or {@code . _ @ -}
     * @param email e-mail address (the invitation goes there when e-mail invitations are
     * on)
     * @param firstName first name
     * @param lastName last name
     * @param role {@code customer-admin}, {@code operator} or {@code viewer}
     * ({@code platform-admin} only from a platform admin)
     */
    record Create(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9._@-]{2,63}",
            message = "must be 3 to 64 lower-case letters, digits or . _ @ -, starting with a letter or digit") String username,
            @NotBlank @Email @Size(max = 254) String email,
            @NotBlank @Size(max = 100) @Pattern(regexp = PERSON_NAME,
                    message = "contains characters not allowed in names") String firstName,
            @NotBlank @Size(max = 100) @Pattern(regexp = PERSON_NAME,
                    message = "contains characters not allowed in names") String lastName,
            @NotNull @Pattern(regexp = ROLE_PATTERN, message = ROLE_MESSAGE) String role) {
    }

    /**
     * A user's new role.
     *
     * @param role the role
     */
    record ChangeRole(@NotNull @Pattern(regexp = ROLE_PATTERN, message = ROLE_MESSAGE) String role) {
    }

}
