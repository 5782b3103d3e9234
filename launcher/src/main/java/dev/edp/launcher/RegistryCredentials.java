package dev.edp.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import dev.edp.keycloak.Secrets;

/**
 * Who may use the registry of a local platform: the Eureka client login every service
 * gets, and the admin login people use for the Eureka dashboard and Spring Boot Admin.
 * Generated at the first {@code ./edp up} into {@code .edp/secrets.properties} and reused
 * afterwards.
 *
 * @param clientPassword the Eureka clients' password (user {@value #CLIENT_USERNAME})
 * @param adminPassword the people's password (user {@value #ADMIN_USERNAME})
 */
record RegistryCredentials(String clientPassword, String adminPassword) {

    static final String CLIENT_USERNAME = "edp";

    static final String ADMIN_USERNAME = "admin";

    static RegistryCredentials load(LocalSecrets secrets) throws IOException {
        // The client password travels in the Eureka URL's user info: URL-safe characters
        // only.
        return new RegistryCredentials(secrets.getOrCreate("registry.password", Secrets::generateClientSecret),
                secrets.getOrCreate("registry.admin.password", Secrets::generatePassword));
    }

    /** What every service, the registry included, needs to call the registry. */
    Map<String, String> clientEnvironment() {
        return Map.of("EDP_REGISTRY_USERNAME", CLIENT_USERNAME, "EDP_REGISTRY_PASSWORD", clientPassword);
    }

    /** What only the registry gets: the admin login it checks. */
    Map<String, String> adminEnvironment() {
        return Map.of("EDP_REGISTRY_ADMIN_USERNAME", ADMIN_USERNAME, "EDP_REGISTRY_ADMIN_PASSWORD", adminPassword);
    }

    /**
     * The launcher reads the registry as a client, while it waits for the services to
     * register.
     */
    String clientAuthorization() {
        return "Basic " + Base64.getEncoder()
            .encodeToString((CLIENT_USERNAME + ":" + clientPassword).getBytes(StandardCharsets.UTF_8));
    }
}
