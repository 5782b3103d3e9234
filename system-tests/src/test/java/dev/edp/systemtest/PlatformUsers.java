package dev.edp.systemtest;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.jayway.jsonpath.JsonPath;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.KeycloakAdmin;
import dev.edp.keycloak.OidcTokens;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * People of the running platform: the platform admin, customers created through
 * masterdata, and their users (real Keycloak users), logged in with a password-grant
 * client that exists only for tests (added through the admin API, never part of the realm
 * file).
 */
final class PlatformUsers {

    private final RunningPlatform platform;

    private final String testClient = "edp-system-test-" + UUID.randomUUID();

    private final String testClientSecret = UUID.randomUUID().toString();

    PlatformUsers(RunningPlatform platform) {
        this.platform = platform;
        try (KeycloakAdmin admin = KeycloakAdmin.connect(URI.create(platform.keycloakUrl()), "kcadmin",
                platform.secret("keycloak.admin.password"))) {
            admin.createPasswordGrantClient(EdpRealm.NAME, testClient, testClientSecret);
        }
    }

    /**
     * @return the platform these people use
     */
    RunningPlatform platform() {
        return platform;
    }

    /**
     * @return an access token of that user
     */
    String login(String username, String password) {
        return OidcTokens.password(URI.create(platform.keycloakUrl()), EdpRealm.NAME, testClient, testClientSecret,
                username, password);
    }

    /**
     * @return the first platform admin's access token
     */
    String platformAdmin() {
        return login("admin", platform.secret("edp.admin.password"));
    }

    /**
     * @return a masterdata API URL
     */
    String masterdata(String path) {
        return platform.gatewayUrl() + "/api/masterdata/v1" + path;
    }

    /**
     * @return a device-management API URL
     */
    String devices(String path) {
        return platform.gatewayUrl() + "/api/devices/v1" + path;
    }

    /**
     * @return a monitoring API URL
     */
    String monitoring(String path) {
        return platform.gatewayUrl() + "/api/monitoring/v1" + path;
    }

    /**
     * @return the new customer's id
     */
    String createCustomer(String admin, String code) {
        HttpResponse<String> created = honouringRetryAfter(
                () -> send(
                        "POST", masterdata("/customers"), "application/json", "{\"name\":\"Customer " + code
                                + "\",\"code\":\"" + code + "\",\"contactEmail\":\"ops@" + code + ".example\"}",
                        admin));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonPath.read(created.body(), "$.id");
    }

    /**
     * @return the new user's token, after logging in with the one-time password
     */
    String createUserAndLogIn(String creator, String customerId, String username, String role) {
        return login(username, createUser(creator, customerId, username, role));
    }

    /**
     * @return the new user's initial password (a browser test logs in with it on
     * Keycloak's page)
     */
    String createUser(String creator, String customerId, String username, String role) {
        HttpResponse<String> created = honouringRetryAfter(
                () -> send("POST", masterdata("/customers/" + customerId + "/users"), "application/json",
                        "{\"username\":\"" + username + "\",\"email\":\"" + username
                                + "@example.com\",\"firstName\":\"Test\"," + "\"lastName\":\"User\",\"role\":\"" + role
                                + "\"}",
                        creator));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonPath.read(created.body(), "$.oneTimePassword");
    }

    /**
     * Sends a request again, as a well-behaved client does, while it is answered with a
     * 503 that says when to come back ({@code Retry-After}): on a loaded machine Keycloak
     * may be too slow for masterdata's user management for a moment, which masterdata
     * answers with 503 {@code IDENTITY_PROVIDER_UNAVAILABLE} and removes what it half
     * created. Up to {@value #ATTEMPTS} attempts.
     */
    static HttpResponse<String> honouringRetryAfter(Supplier<HttpResponse<String>> request) {
        HttpResponse<String> response = request.get();
        for (int attempt = 1; attempt < ATTEMPTS && response.statusCode() == 503; attempt++) {
            Optional<String> retryAfter = response.headers().firstValue("Retry-After");
            if (retryAfter.isEmpty()) {
                break;
            }
            try {
                Thread.sleep(Duration.ofSeconds(Long.parseLong(retryAfter.get())));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
            response = request.get();
        }
        return response;
    }

    private static final int ATTEMPTS = 4;

    /**
     * @return a machine's JSON for masterdata
     */
    static String machine(String serial) {
        return "{\"name\":\"Press " + serial + "\",\"type\":\"INJECTION_MOULDING\",\"manufacturer\":\"Engel\","
                + "\"serialNumber\":\"" + serial + "\",\"site\":\"Plant 1\"}";
    }

}
