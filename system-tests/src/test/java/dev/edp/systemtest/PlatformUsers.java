package dev.edp.systemtest;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.UUID;

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
     * @return the new customer's id
     */
    String createCustomer(String admin, String code) {
        HttpResponse<String> created = send("POST", masterdata("/customers"), "application/json",
                "{\"name\":\"Customer " + code + "\",\"code\":\"" + code + "\",\"contactEmail\":\"ops@" + code
                        + ".example\"}",
                admin);
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
        HttpResponse<String> created = send("POST", masterdata("/customers/" + customerId + "/users"),
                "application/json", "{\"username\":\"" + username + "\",\"email\":\"" + username
                        + "@example.com\",\"firstName\":\"Test\"," + "\"lastName\":\"User\",\"role\":\"" + role + "\"}",
                creator);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonPath.read(created.body(), "$.oneTimePassword");
    }

    /**
     * @return a machine's JSON for masterdata
     */
    static String machine(String serial) {
        return "{\"name\":\"Press " + serial + "\",\"type\":\"INJECTION_MOULDING\",\"manufacturer\":\"Engel\","
                + "\"serialNumber\":\"" + serial + "\",\"site\":\"Plant 1\"}";
    }

}
