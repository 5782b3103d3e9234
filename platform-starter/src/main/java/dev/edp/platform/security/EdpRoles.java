package dev.edp.platform.security;

/**
 * The realm roles of the EDP Keycloak realm, and the rules that rank them. Each role
 * includes the ones below it:
 * {@code platform-admin > customer-admin > operator > viewer}.
 */
public final class EdpRoles {

    /** Runs EDP for many customers: may act for any customer. */
    public static final String PLATFORM_ADMIN = "platform-admin";

    /** Manages users of their own customer and approves promotions. */
    public static final String CUSTOMER_ADMIN = "customer-admin";

    /** Creates devices, tokens and deployments of their own customer. */
    public static final String OPERATOR = "operator";

    /** Reads their own customer's data. */
    public static final String VIEWER = "viewer";

    /**
     * The platform's own services calling each other (service account of the
     * {@code edp-services} client). Outside the hierarchy on purpose: it grants nothing
     * but the internal endpoints that ask for it by name, and such tokens carry no
     * customer.
     */
    public static final String SERVICE = "platform-service";

    /** The role hierarchy in Spring Security's notation. */
    public static final String HIERARCHY = """
            ROLE_platform-admin > ROLE_customer-admin
            ROLE_customer-admin > ROLE_operator
            ROLE_operator > ROLE_viewer
            """;

    private EdpRoles() {
    }

}
