package dev.edp.gateway;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.http.StubBackend;
import dev.edp.test.postgres.WithPostgres;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's two ways in: bearer tokens for API clients, and the browser login that
 * starts a server-side session. The full login against the real Keycloak is in
 * system-tests.
 */
@WithPostgres
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false",
                "edp.portal.issuer-uri=http://keycloak.test:8180/realms/edp", "edp.portal.client-secret=test-secret" })
class GatewaySecurityIntegrationTests {

    static final StubBackend masterdata = StubBackend.start();

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.masterdata[0].uri", masterdata::url);
    }

    @AfterAll
    static void stop() {
        masterdata.close();
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcClient jdbc;

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void apiWithoutTokenIs401Problem() {
        assertProblem(send("GET", url("/api/masterdata/v1/machines"), null, null), 401, "UNAUTHORIZED");
        assertProblem(send("GET", url("/api/me"), null, null), 401, "UNAUTHORIZED");
    }

    @Test
    void forgedOrExpiredBearerTokenIs401Problem() {
        UUID customer = UUID.randomUUID();
        assertProblem(send("GET", url("/api/masterdata/v1/machines"), null, null,
                TestJwtIssuer.forgedToken("mallory", customer, "platform-admin")), 401, "UNAUTHORIZED");
        assertProblem(send("GET", url("/api/masterdata/v1/machines"), null, null,
                TestJwtIssuer.expiredToken("olga", customer, "operator")), 401, "UNAUTHORIZED");
    }

    @Test
    void tokensThatAreNoAccessTokensForTheEdpApiAre401ProblemAndNeverRouted() {
        UUID customer = UUID.randomUUID();
        int before = masterdata.received().size();
        for (String token : new String[] { TestJwtIssuer.tokenWithoutAudience("olga", customer, "operator"),
                TestJwtIssuer.tokenForAudience("another-client", "olga", customer, "operator"),
                TestJwtIssuer.tokenOfType("ID", "olga", customer, "operator"),
                TestJwtIssuer.tokenOfType("Refresh", "olga", customer, "operator") }) {
            assertProblem(send("GET", url("/api/masterdata/v1/machines"), null, null, token), 401, "UNAUTHORIZED");
            assertProblem(send("GET", url("/api/me"), null, null, token), 401, "UNAUTHORIZED");
        }
        assertThat(masterdata.received()).hasSize(before);
        assertThat(
                send("GET", url("/api/me"), null, null, TestJwtIssuer.token("olga", customer, "operator")).statusCode())
            .as("the same claims in an access token for the EDP API")
            .isEqualTo(200);
    }

    @Test
    void bearerTokenPassesThroughUnchangedAndCookiesStayAtTheGateway() throws Exception {
        String token = TestJwtIssuer.token("olga", UUID.randomUUID(), "operator");
        HttpResponse<String> response = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(url("/api/masterdata/v1/machines?passthrough=1")))
                .header("Authorization", "Bearer " + token)
                .header("Cookie", "EDP_SESSION=abc; other=1")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        StubBackend.Received received = masterdata.received()
            .stream()
            .filter(r -> r.pathAndQuery().endsWith("passthrough=1"))
            .findFirst()
            .orElseThrow();
        assertThat(received.header("Authorization")).isEqualTo("Bearer " + token);
        assertThat(received.header("Cookie")).isNull();
    }

    @Test
    void internalServiceEndpointsAreNotReachableThroughTheGatewayEvenWithAServiceToken() {
        int before = masterdata.received().size();
        assertProblem(
                send("GET", url("/api/masterdata/v1/internal/anything"), null, null, TestJwtIssuer.serviceToken()), 403,
                "FORBIDDEN");
        assertProblem(send("GET", url("/api/masterdata/v1/internal/anything"), null, null,
                TestJwtIssuer.token("ada", null, "platform-admin")), 403, "FORBIDDEN");
        assertThat(masterdata.received()).hasSize(before);
    }

    @Test
    void meDescribesTheBearerCaller() {
        UUID customer = UUID.randomUUID();
        HttpResponse<String> response = send("GET", url("/api/me"), null, null,
                TestJwtIssuer.token("carl", customer, "customer-admin"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(response.body(), "$.username")).isEqualTo("carl");
        assertThat(JsonPath.<String>read(response.body(), "$.customerId")).isEqualTo(customer.toString());
        assertThat(JsonPath.<List<String>>read(response.body(), "$.roles")).containsExactly("customer-admin");
        assertThat(JsonPath.<Boolean>read(response.body(), "$.platformAdmin")).isFalse();
        assertThat(JsonPath.<String>read(response.body(), "$.authenticatedBy")).isEqualTo("bearer");
    }

    @Test
    void browserIsSentToKeycloakWithPkceAndGetsAServerSideSession() {
        HttpResponse<String> page = send("GET", url("/"), null, null);
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue("/oauth2/authorization/keycloak");

        HttpResponse<String> login = send("GET", url("/oauth2/authorization/keycloak"), null, null);
        assertThat(login.statusCode()).isEqualTo(302);
        String location = login.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("http://keycloak.test:8180/realms/edp/protocol/openid-connect/auth?")
            .contains("client_id=edp-portal", "code_challenge_method=S256", "code_challenge=", "response_type=code",
                    "scope=openid");
        String cookie = login.headers()
            .allValues("Set-Cookie")
            .stream()
            .filter(value -> value.startsWith("EDP_SESSION="))
            .findFirst()
            .orElseThrow();
        assertThat(cookie).as(cookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax");
        String sessionId = cookie.substring("EDP_SESSION=".length(), cookie.indexOf(';'));
        assertThat(jdbc.sql("SELECT count(*) FROM gateway.web_session WHERE id = ?")
            .param(sessionId)
            .query(Integer.class)
            .single()).isEqualTo(1);
    }

    /**
     * The browser comes back from Keycloak with its code while Keycloak cannot be reached
     * (here its host does not resolve): the login says so with a 503 problem, not the
     * generic "login?error".
     */
    @Test
    void aLoginWhileKeycloakIsUnreachableIsA503ProblemWithRetryAfter() {
        HttpResponse<String> login = send("GET", url("/oauth2/authorization/keycloak"), null, null);
        String location = login.headers().firstValue("Location").orElseThrow();
        String state = URLDecoder.decode(location.replaceFirst(".*[?&]state=([^&]+).*", "$1"), StandardCharsets.UTF_8);
        String cookie = login.headers()
            .allValues("Set-Cookie")
            .stream()
            .filter(value -> value.startsWith("EDP_SESSION="))
            .findFirst()
            .orElseThrow()
            .split(";", 2)[0];

        HttpResponse<String> callback = send("GET",
                url("/login/oauth2/code/keycloak?code=abc&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8)),
                null, null, null, Map.of("Cookie", cookie));

        assertProblem(callback, 503, "IDENTITY_PROVIDER_UNAVAILABLE");
        assertThat(callback.headers().firstValue("Retry-After")).hasValue("10");
    }

    @Test
    void stateChangingRequestWithoutBearerOrCsrfTokenIsRefused() {
        HttpResponse<String> response = send("POST", url("/api/masterdata/v1/machines"), "application/json", "{}");
        assertProblem(response, 403, "CSRF_REJECTED");
        assertThat(masterdata.received()).noneSatisfy(r -> assertThat(r.method()).isEqualTo("POST")
            .satisfies(m -> assertThat(r.pathAndQuery()).isEqualTo("/api/masterdata/v1/machines")));
    }

}
