package dev.edp.masterdata.user;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.KeycloakAdmin;
import dev.edp.keycloak.KeycloakException;
import dev.edp.keycloak.KeycloakServer;
import dev.edp.keycloak.OidcTokens;
import dev.edp.masterdata.Api;
import dev.edp.test.service.EdpServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static dev.edp.masterdata.Api.customerAdmin;
import static dev.edp.masterdata.Api.read;
import static dev.edp.masterdata.Api.root;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * User management against the real Keycloak 26 distribution with the EDP realm, started
 * once for this class. Masterdata talks to it as the confidential client
 * {@code edp-masterdata} (created here through the admin API when the realm file lacks
 * it); users log in with the password grant through a test-only client, and their real
 * tokens are checked for {@code customer_id} and roles. Calls to masterdata itself carry
 * test-issuer tokens, as in every service test. Keycloak stays up for the rest of the
 * test JVM ({@link UserInvitationIntegrationTests} uses it too).
 */
@EdpServiceTest
class UserManagementIntegrationTests extends KeycloakUserTests {

    static final String MASTERDATA_CLIENT = "edp-masterdata";

    static final String LOGIN_CLIENT = "masterdata-it-login";

    static final String LOGIN_SECRET = UUID.randomUUID().toString();

    static final JsonMapper JSON = JsonMapper.builder().build();

    static KeycloakServer keycloak;

    static String masterdataSecret;

    @BeforeEach
    void setUp() {
        customer = api.createCustomer("Keycloak users");
    }

    @Test
    void createdUserLogsInWithTheCustomerAndRoleThenIsRefusedOnceDisabled() {
        String username = username("admin");
        HttpResponse<String> created = createUser(customerAdminToken(), username, "customer-admin");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control"))
            .hasValueSatisfying(value -> assertThat(value).contains("no-store"));
        assertThat(read(created, "$.invitation").toString()).isEqualTo("PASSWORD");
        String password = read(created, "$.oneTimePassword");
        String userId = read(created, "$.user.id");
        assertThat(read(created, "$.user.customerId").toString()).isEqualTo(customer.toString());
        assertThat(read(created, "$.user.role").toString()).isEqualTo("customer-admin");
        assertThat((Boolean) read(created, "$.user.enabled")).isTrue();

        Map<String, Object> claims = OidcTokens.decodePayload(login(username, password));
        assertThat(claims).containsEntry("customer_id", customer.toString()).containsEntry("sub", userId);
        assertThat(roles(claims)).contains("customer-admin").doesNotContain("platform-admin", "operator");

        HttpResponse<String> disabled = api.post(users() + "/" + userId + "/disable", customerAdminToken(), null);
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat((Boolean) read(disabled, "$.enabled")).isFalse();
        assertThatExceptionOfType(KeycloakException.class).isThrownBy(() -> login(username, password))
            .satisfies(ex -> assertThat(ex.status()).isBetween(400, 401));

        HttpResponse<String> enabled = api.post(users() + "/" + userId + "/enable", customerAdminToken(), null);
        assertThat(enabled.statusCode()).as(enabled.body()).isEqualTo(200);
        assertThat(login(username, password)).isNotBlank();

        assertThat(auditActions()).contains("USER_CREATED", "USER_DISABLED", "USER_ENABLED");
        assertThat(jdbc.sql("""
                SELECT after::text FROM audit_event WHERE customer_id = :c AND action = 'USER_CREATED'""")
            .param("c", customer)
            .query(String.class)
            .single()).contains(username).doesNotContain(password);
    }

    @Test
    void roleChangesShowInTheNextTokenAndListsPage() {
        String username = username("op");
        HttpResponse<String> created = createUser(customerAdminToken(), username, "operator");
        String userId = read(created, "$.user.id");
        String password = read(created, "$.oneTimePassword");
        assertThat(roles(OidcTokens.decodePayload(login(username, password)))).contains("operator");

        HttpResponse<String> changed = api.put(users() + "/" + userId + "/role", customerAdminToken(),
                "{\"role\":\"viewer\"}", null);
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(read(changed, "$.role").toString()).isEqualTo("viewer");
        assertThat(roles(OidcTokens.decodePayload(login(username, password)))).contains("viewer")
            .doesNotContain("operator");
        assertThat(jdbc.sql("""
                SELECT before->>'role' || '>' || (after->>'role') FROM audit_event
                WHERE customer_id = :c AND action = 'USER_ROLE_CHANGED'""")
            .param("c", customer)
            .query(String.class)
            .single()).isEqualTo("operator>viewer");

        createUser(customerAdminToken(), username("v1"), "viewer");
        createUser(customerAdminToken(), username("v2"), "viewer");
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> page = api.get(users() + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                    customerAdminToken());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            listed.addAll(read(page, "$.items[*].id"));
            cursor = Api.nextCursor(page);
        }
        while (cursor != null);
        assertThat(listed).hasSize(3).doesNotHaveDuplicates().contains(userId);

        HttpResponse<String> one = api.get(users() + "/" + userId, customerAdminToken());
        assertThat(read(one, "$.username").toString()).isEqualTo(username);
    }

    @Test
    void customerAdminCannotGrantPlatformAdminAndOtherCustomersAdminSeesNothing() {
        String username = username("guarded");
        HttpResponse<String> created = createUser(customerAdminToken(), username, "viewer");
        String userId = read(created, "$.user.id");

        assertProblem(createUser(customerAdminToken(), username("boss"), "platform-admin"), 403, "ROLE_NOT_GRANTABLE");
        assertProblem(
                api.put(users() + "/" + userId + "/role", customerAdminToken(), "{\"role\":\"platform-admin\"}", null),
                403, "ROLE_NOT_GRANTABLE");

        // An admin of another customer is told the customer and its users do not exist.
        UUID other = api.createCustomer("Other tenant");
        String foreign = customerAdmin(other);
        assertProblem(api.get(users(), foreign), 404, "NOT_FOUND");
        assertProblem(api.get(users() + "/" + userId, foreign), 404, "NOT_FOUND");
        assertProblem(api.put(users() + "/" + userId + "/role", foreign, "{\"role\":\"customer-admin\"}", null), 404,
                "NOT_FOUND");
        assertProblem(api.post(users() + "/" + userId + "/disable", foreign, null), 404, "NOT_FOUND");
        assertProblem(createUser(foreign, username("plant"), "viewer"), 404, "NOT_FOUND");
        // Nor can they reach the user through their own customer's path.
        assertProblem(api.get("/customers/" + other + "/users/" + userId, foreign), 404, "NOT_FOUND");
        assertProblem(api.post("/customers/" + other + "/users/" + userId + "/disable", foreign, null), 404,
                "NOT_FOUND");

        HttpResponse<String> unchanged = api.get(users() + "/" + userId, customerAdminToken());
        assertThat(read(unchanged, "$.role").toString()).isEqualTo("viewer");
        assertThat((Boolean) read(unchanged, "$.enabled")).isTrue();
        assertThat(auditActions()).containsExactly("USER_CREATED", "CUSTOMER_CREATED");
    }

    @Test
    void duplicateUsernameIsAConflict() {
        String username = username("twin");
        assertThat(createUser(customerAdminToken(), username, "viewer").statusCode()).isEqualTo(201);
        assertProblem(api.post(users(), customerAdminToken(), """
                {"username":"%s","email":"other-%s@example.com","firstName":"Twin","lastName":"Two","role":"viewer"}"""
            .formatted(username, username)), 409, "USERNAME_TAKEN");
    }

    @Test
    void deactivatingACustomerDisablesItsUsersSoTheyCannotLogIn() {
        String username = username("leaver");
        HttpResponse<String> created = createUser(customerAdminToken(), username, "operator");
        String password = read(created, "$.oneTimePassword");
        assertThat(login(username, password)).isNotBlank();

        HttpResponse<String> deactivated = api.post("/customers/" + customer + "/deactivate", root(), null);
        assertThat(deactivated.statusCode()).as(deactivated.body()).isEqualTo(200);
        assertThat(read(deactivated, "$.status").toString()).isEqualTo("DEACTIVATED");

        assertThatExceptionOfType(KeycloakException.class).isThrownBy(() -> login(username, password));
        assertThat(auditActions()).startsWith("USER_DISABLED", "CUSTOMER_DEACTIVATED");
        // The customer's own admin is refused outright; a platform admin cannot add or
        // enable users either.
        assertProblem(createUser(customerAdminToken(), username("late"), "viewer"), 403, "CUSTOMER_DEACTIVATED");
        assertProblem(createUser(root(), username("late"), "viewer"), 409, "CUSTOMER_DEACTIVATED");
        assertProblem(api.post(users() + "/" + read(created, "$.user.id") + "/enable", root(), null), 409,
                "CUSTOMER_DEACTIVATED");
    }

    private HttpResponse<String> createUser(String token, String username, String role) {
        return api.post(users(), token, """
                {"username":"%s","email":"%s@example.com","firstName":"Test","lastName":"User","role":"%s"}"""
            .formatted(username, username, role));
    }

    private String users() {
        return "/customers/" + customer + "/users";
    }

    private static String login(String username, String password) {
        return OidcTokens.password(keycloak.baseUrl(), EdpRealm.NAME, LOGIN_CLIENT, LOGIN_SECRET, username, password);
    }

    @SuppressWarnings("unchecked")
    private static List<String> roles(Map<String, Object> claims) {
        return (List<String>) ((Map<String, Object>) claims.get("realm_access")).get("roles");
    }

    /**
     * Starts Keycloak once per test JVM; {@link UserInvitationIntegrationTests} shares
     * it. The runner's shutdown hook stops it when the test JVM ends.
     */
    static synchronized void startKeycloak() {
        if (keycloak != null) {
            return;
        }
        Path workDir = Path.of(System.getProperty("edp.keycloak.work-dir", "target/keycloak-it"));
        keycloak = KeycloakServer.builder(workDir).httpPort(0).edpRealm().freshData(true).build().start();
        try (KeycloakAdmin admin = keycloak.admin()) {
            admin.createPasswordGrantClient(EdpRealm.NAME, LOGIN_CLIENT, LOGIN_SECRET);
            masterdataSecret = masterdataClient(admin);
        }
    }

    /**
     * The secret of {@code edp-masterdata}: the one the runner set if the realm file
     * defines the client, else a new confidential client with a service account holding
     * the realm-management roles masterdata needs.
     */
    private static String masterdataClient(KeycloakAdmin admin) {
        try {
            admin.client(EdpRealm.NAME, MASTERDATA_CLIENT);
            return keycloak.clientSecret(MASTERDATA_CLIENT);
        }
        catch (KeycloakException ex) {
            if (ex.status() != 404) {
                throw ex;
            }
        }
        String secret = UUID.randomUUID().toString();
        AdminApi api = new AdminApi();
        api.send("POST", "/clients",
                Map.of("clientId", MASTERDATA_CLIENT, "enabled", true, "protocol", "openid-connect", "publicClient",
                        false, "secret", secret, "standardFlowEnabled", false, "directAccessGrantsEnabled", false,
                        "serviceAccountsEnabled", true),
                201);
        String clientUuid = String.valueOf(admin.client(EdpRealm.NAME, MASTERDATA_CLIENT).get("id"));
        String serviceAccount = String.valueOf(
                api.object(api.send("GET", "/clients/" + clientUuid + "/service-account-user", null, 200)).get("id"));
        String realmManagement = String.valueOf(admin.client(EdpRealm.NAME, "realm-management").get("id"));
        List<Map<String, Object>> roles = new ArrayList<>();
        for (String role : List.of("manage-users", "view-users", "query-users")) {
            roles.add(api.object(api.send("GET", "/clients/" + realmManagement + "/roles/" + role, null, 200)));
        }
        api.send("POST", "/users/" + serviceAccount + "/role-mappings/clients/" + realmManagement, roles, 204);
        return secret;
    }

    /** The few raw admin REST calls the runner's {@link KeycloakAdmin} does not offer. */
    static final class AdminApi {

        private final HttpClient http = HttpClient.newHttpClient();

        private final String token = OidcTokens.password(keycloak.baseUrl(), "master", "admin-cli", null,
                keycloak.adminUsername(), keycloak.adminPassword());

        String send(String method, String path, Object body, int expected) {
            HttpRequest request = HttpRequest
                .newBuilder(URI.create(keycloak.baseUrl() + "/admin/realms/" + EdpRealm.NAME + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method,
                        body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
                return response.body();
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(String json) {
            return JSON.readValue(json, Map.class);
        }

    }

}
