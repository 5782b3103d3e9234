package dev.edp.registry.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.registry.*}: who may use the registry. There is no default password: a
 * registry without one refuses to start rather than run open.
 *
 * @param username the user every Eureka client (each service) presents with HTTP Basic
 * ({@code EDP_REGISTRY_USERNAME}, default {@code edp})
 * @param password its password ({@code EDP_REGISTRY_PASSWORD}, required)
 * @param admin the people's login to the Eureka dashboard and Spring Boot Admin
 */
@ConfigurationProperties("edp.registry")
record RegistryProperties(String username, String password, Admin admin) {

    RegistryProperties {
        username = username == null || username.isBlank() ? "edp" : username.trim();
        password = required(password, "edp.registry.password (EDP_REGISTRY_PASSWORD)");
        admin = admin == null ? new Admin(null, null) : admin;
        if (username.equals(admin.username())) {
            throw new IllegalArgumentException("edp.registry.username and edp.registry.admin.username must differ");
        }
    }

    /**
     * A separate login for people: every service holds the client password, so it must
     * not also open Spring Boot Admin, which reads and changes every service through its
     * actuator.
     *
     * @param username {@code EDP_REGISTRY_ADMIN_USERNAME}, default {@code admin}
     * @param password {@code EDP_REGISTRY_ADMIN_PASSWORD}, required
     */
    record Admin(String username, String password) {

        Admin {
            username = username == null || username.isBlank() ? "admin" : username.trim();
            password = required(password, "edp.registry.admin.password (EDP_REGISTRY_ADMIN_PASSWORD)");
        }
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set: the registry does not run without a password");
        }
        return value;
    }
}
