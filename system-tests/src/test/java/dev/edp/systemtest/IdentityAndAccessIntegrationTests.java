package dev.edp.systemtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.KeycloakAdmin;
import dev.edp.keycloak.OidcTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identity and access through the gateway of the running platform, with tokens from the
 * real Keycloak: API clients, the browser login of the portal, CSRF, logout, and sessions
 * shared by gateway replicas.
 */
@ExtendWith(RunningPlatform.class)
class IdentityAndAccessIntegrationTests {

    static RunningPlatform platform;

    @BeforeAll
    static void platform(RunningPlatform running) {
        platform = running;
    }

    static String automationToken() {
        return OidcTokens.clientCredentials(URI.create(platform.keycloakUrl()), EdpRealm.NAME,
                EdpRealm.AUTOMATION_CLIENT_ID, platform.secret("client.edp-automation.secret"));
    }

    @Test
    void clientCredentialsTokenIsAcceptedByGatewayAndServices() {
        String token = automationToken();
        HttpResponse<String> me = send("GET", platform.gatewayUrl() + "/api/me", null, null, token);
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(me.body(), "$.customerId")).isEqualTo(EdpRealm.AUTOMATION_CUSTOMER_ID);
        assertThat(JsonPath.<List<String>>read(me.body(), "$.roles")).contains("operator");
        assertThat(JsonPath.<String>read(me.body(), "$.authenticatedBy")).isEqualTo("bearer");

        // Through the gateway to each service, which validates the same token against
        // Keycloak's keys: an authenticated caller reaches the service and gets its 404
        // for an unknown path.
        for (String service : List.of("masterdata", "onboarding", "devices", "monitoring")) {
            assertProblem(
                    send("GET", platform.gatewayUrl() + "/api/" + service + "/v1/no-such-thing", null, null, token),
                    404, "NOT_FOUND");
        }
    }

    @Test
    void missingForgedAndExpiredTokensAre401Problems() throws Exception {
        String url = platform.gatewayUrl() + "/api/masterdata/v1/no-such-thing";
        assertProblem(send("GET", url, null, null), 401, "UNAUTHORIZED");

        String token = automationToken();
        String[] parts = token.split("\\.");
        // Same header and signature, a payload that now claims platform-admin: the
        // signature no longer fits.
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"operator\"",
                "\"platform-admin\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
                + "." + parts[2];
        assertProblem(send("GET", url, null, null, forged), 401, "UNAUTHORIZED");

        String expired = shortLivedToken();
        // Lifetime 2 s plus the services' tolerated clock skew (10 s).
        Thread.sleep(Duration.ofSeconds(13));
        assertProblem(send("GET", url, null, null, expired), 401, "UNAUTHORIZED");
        assertProblem(send("GET", platform.gatewayUrl() + "/api/me", null, null, expired), 401, "UNAUTHORIZED");
    }

    @Test
    void browserLogsInThroughTheGatewayAndCsrfAndLogoutAreEnforced() {
        Browser browser = new Browser();
        String gateway = platform.gatewayUrl();

        Browser.Page login = browser.get(gateway + "/");
        assertThat(login.uri().toString()).startsWith(platform.issuer() + "/protocol/openid-connect/auth");
        assertThat(login.uri().getQuery()).contains("code_challenge_method=S256");

        Browser.Page landed = browser.postForm(login.formAction(),
                Map.of("username", "admin", "password", platform.secret("edp.admin.password")));
        assertThat(landed.uri().toString()).isEqualTo(gateway + "/");
        assertThat(landed.status()).isEqualTo(200);
        assertThat(landed.body()).contains("EDP");

        HttpResponse<String> me = browser.send("GET", gateway + "/api/me", null, null, Map.of());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(me.body(), "$.username")).isEqualTo("admin");
        assertThat(JsonPath.<Boolean>read(me.body(), "$.platformAdmin")).isTrue();
        assertThat(JsonPath.<String>read(me.body(), "$.authenticatedBy")).isEqualTo("session");
        assertThat(me.body()).doesNotContain("eyJ"); // no token reaches the browser

        // The session relays its token to the services: the request reaches masterdata as
        // the admin.
        HttpResponse<String> relayed = browser.send("GET", gateway + "/api/masterdata/v1/no-such-thing", null, null,
                Map.of());
        assertProblem(relayed, 404, "NOT_FOUND");

        String xsrf = browser.cookie(gateway, "XSRF-TOKEN");
        assertThat(xsrf).isNotBlank();
        assertProblem(
                browser.send("POST", gateway + "/api/masterdata/v1/no-such-thing", "application/json", "{}", Map.of()),
                403, "CSRF_REJECTED");
        assertProblem(browser.send("POST", gateway + "/api/masterdata/v1/no-such-thing", "application/json", "{}",
                Map.of("X-XSRF-TOKEN", "wrong")), 403, "CSRF_REJECTED");
        assertProblem(browser.send("POST", gateway + "/api/masterdata/v1/no-such-thing", "application/json", "{}",
                Map.of("X-XSRF-TOKEN", xsrf)), 404, "NOT_FOUND");

        HttpResponse<String> logout = browser.send("POST", gateway + "/logout", null, null,
                Map.of("X-XSRF-TOKEN", xsrf));
        assertThat(logout.statusCode()).isEqualTo(302);
        String endSession = logout.headers().firstValue("Location").orElseThrow();
        assertThat(endSession).startsWith(platform.issuer() + "/protocol/openid-connect/logout");
        browser.get(endSession);

        assertProblem(browser.send("GET", gateway + "/api/me", null, null, Map.of()), 401, "UNAUTHORIZED");
        // The Keycloak session ended too: a new login asks for the password again.
        Browser.Page again = browser.get(gateway + "/");
        assertThat(again.uri().toString()).startsWith(platform.issuer());
        assertThat(again.body()).contains("password");
    }

    @Test
    void sessionWorksOnASecondGatewayReplica() throws Exception {
        Browser browser = new Browser();
        Browser.Page login = browser.get(platform.gatewayUrl() + "/");
        browser.postForm(login.formAction(),
                Map.of("username", "admin", "password", platform.secret("edp.admin.password")));
        String session = browser.cookie(platform.gatewayUrl(), "EDP_SESSION");
        assertThat(session).isNotBlank();

        int port = platform.portOffset() + 8090;
        Process replica = startGatewayReplica(port);
        try {
            String replicaUrl = "http://localhost:" + port;
            awaitReady(replica, "http://localhost:" + (port + 1000) + "/actuator/health/readiness");
            browser.setCookie(replicaUrl, "EDP_SESSION", session);
            HttpResponse<String> me = browser.send("GET", replicaUrl + "/api/me", null, null, Map.of());
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            assertThat(JsonPath.<String>read(me.body(), "$.username")).isEqualTo("admin");
        }
        finally {
            replica.destroy();
            replica.waitFor();
        }
    }

    /** A token of a test client whose access tokens live two seconds. */
    private static String shortLivedToken() {
        try (KeycloakAdmin admin = KeycloakAdmin.connect(URI.create(platform.keycloakUrl()), "kcadmin",
                platform.secret("keycloak.admin.password"))) {
            String clientId = "edp-test-short-" + UUID.randomUUID();
            String secret = UUID.randomUUID().toString();
            admin.createPasswordGrantClient(EdpRealm.NAME, clientId, secret);
            admin.setClientAttribute(EdpRealm.NAME, clientId, "access.token.lifespan", "2");
            String username = "short-" + UUID.randomUUID().toString().substring(0, 8);
            String password = UUID.randomUUID() + "Aa1!";
            admin.createUser(EdpRealm.NAME, new KeycloakAdmin.NewUser(username, username + "@example.com", "Short",
                    "Lived", password, List.of(EdpRealm.ROLE_OPERATOR), UUID.randomUUID().toString()));
            return OidcTokens.password(URI.create(platform.keycloakUrl()), EdpRealm.NAME, clientId, secret, username,
                    password);
        }
    }

    private static Process startGatewayReplica(int port) throws Exception {
        Path jar = platform.repositoryRoot().resolve("portal-gateway/target/portal-gateway.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(
                List.of(java, "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(platform.logsDir().resolve("portal-gateway-replica.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("MANAGEMENT_SERVER_PORT", Integer.toString(port + 1000));
        env.put("EDP_DB_URL", platform.jdbcUrl());
        env.put("EDP_DB_USER", "edp");
        env.put("EDP_DB_PASSWORD", "edp");
        env.put("EUREKA_URL", platform.eurekaUrl());
        env.put("EDP_REGISTRY_PASSWORD", platform.secret("registry.password"));
        env.put("EDP_ISSUER_URI", platform.issuer());
        env.put("EDP_PORTAL_CLIENT_SECRET", platform.secret("client.edp-portal.secret"));
        return builder.start();
    }

    private static void awaitReady(Process process, String readiness) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("The gateway replica exited: "
                        + RunningPlatform.tail(platform.logsDir().resolve("portal-gateway-replica.log"), 40));
            }
            try {
                if (http
                    .send(HttpRequest.newBuilder(URI.create(readiness)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200) {
                    return;
                }
            }
            catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("The gateway replica was not ready in time");
    }

}
