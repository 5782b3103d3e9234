package dev.edp.masterdata.customer;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the customer API. */
final class CustomerRequests {

    static final String CODE_PATTERN = "[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?";

    static final String NOT_BLANK_PATTERN = "(?s).*\\S.*";

    private CustomerRequests() {
    }

    /**
     * A new customer.
     *
     * @param name display name
     * @param code short, unique, URL-safe code: lower-case letters, digits and inner
     * hyphens, 1 to 32
     * @param contactEmail who to contact about it
     */
    record Create(@NotBlank @Size(max = 200) String name,
            @NotBlank @Pattern(regexp = CODE_PATTERN,
                    message = "must be 1 to 32 lower-case letters, digits or inner hyphens") String code,
            @NotBlank @Email @Size(max = 254) String contactEmail) {
    }

    /**
     * Changes to a customer; absent members stay as they are. The code never changes.
     *
     * @param name new display name
     * @param contactEmail new contact e-mail address
     */
    record Update(
            @Size(min = 1, max = 200) @Pattern(regexp = NOT_BLANK_PATTERN, message = "must not be blank") String name,
            @Email @Size(min = 3, max = 254) String contactEmail) {
    }

}
