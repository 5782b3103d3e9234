package dev.edp.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registry as services and people meet it: the Eureka API only with the client
 * credentials (HTTP Basic), the dashboard and Spring Boot Admin only after the admin's
 * login.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.fetch-registry=false", "EDP_REGISTRY_WARM_UP_MS=0" })
class ServiceRegistryIntegrationTests {

    static final String CLIENT_PASSWORD = UUID.randomUUID().toString();

    static final String ADMIN_PASSWORD = "Adm1n%pass@" + UUID.randomUUID();

    @DynamicPropertySource
    static void credentials(DynamicPropertyRegistry registry) {
        registry.add("edp.registry.password", () -> CLIENT_PASSWORD);
        registry.add("edp.registry.admin.password", () -> ADMIN_PASSWORD);
    }

    @Value("${local.server.port}")
    int port;

    @Value("${local.management.port}")
    int managementPort;

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    static String client() {
        return basic("edp", CLIENT_PASSWORD);
    }

    static String admin() {
        return basic("admin", ADMIN_PASSWORD);
    }

    static String basic(String username, String password) {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String instance(String app, String id) {
        return """
                {"instance":{"instanceId":"%s","hostName":"localhost","app":"%s","ipAddr":"127.0.0.1",
                 "status":"UP","port":{"$":18080,"@enabled":"true"},
                 "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}}
                """.formatted(id, app);
    }

    HttpResponse<String> register(String app, String id, String authorization) {
        Map<String, String> headers = authorization == null ? Map.of() : Map.of("Authorization", authorization);
        return send("POST", url("/eureka/apps/" + app), "application/json", instance(app, id), null, headers);
    }

    HttpResponse<String> readApp(String app) {
        return send("GET", url("/eureka/apps/" + app), null, null, null,
                Map.of("Authorization", client(), "Accept", "application/json"));
    }

    @Test
    void anonymousRegistrationIsRefusedAndNothingIsRegistered() {
        HttpResponse<String> refused = register("ONBOARDING", "rogue:1", null);
        assertProblem(refused, 401, "UNAUTHORIZED");
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
            .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Basic realm="));
        assertProblem(register("ONBOARDING", "rogue:2", basic("edp", "wrong-password")), 401, "UNAUTHORIZED");
        assertProblem(register("ONBOARDING", "rogue:3", basic("admin", CLIENT_PASSWORD)), 401, "UNAUTHORIZED");

        assertThat(readApp("ONBOARDING").statusCode()).as("no ONBOARDING instance").isEqualTo(404);
        // Reading is protected too: the registry would tell an attacker where every
        // service is.
        assertProblem(send("GET", url("/eureka/apps"), null, null), 401, "UNAUTHORIZED");
    }

    @Test
    void registrationWithTheClientCredentialsIsListed() {
        assertThat(register("DEMO", "demo:1", client()).statusCode()).isEqualTo(204);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> apps = readApp("DEMO");
            assertThat(apps.statusCode()).isEqualTo(200);
            assertThat(JsonPath.<String>read(apps.body(), "$.application.instance[0].instanceId")).isEqualTo("demo:1");
        });
    }

    @Test
    void dashboardAndAdminSendBrowsersToTheLoginAndRefuseScripts() {
        for (String page : new String[] { "/", "/lastn", "/admin", "/admin/applications" }) {
            HttpResponse<String> browser = send("GET", url(page), null, null, null, Map.of("Accept", "text/html"));
            assertThat(browser.statusCode()).as(page).isEqualTo(302);
            assertThat(browser.headers().firstValue("Location")).as(page)
                .hasValueSatisfying(location -> assertThat(location).endsWith("/admin/login"));
        }
        assertProblem(send("GET", url("/admin/applications"), null, null, null, Map.of("Accept", "application/json")),
                401, "UNAUTHORIZED");
        // Spring Boot Admin's own UI gets no challenge, so the browser shows no login box
        // of its own.
        HttpResponse<String> xhr = send("GET", url("/admin/applications"), null, null, null,
                Map.of("Accept", "application/json", "X-Requested-With", "XMLHttpRequest"));
        assertProblem(xhr, 401, "UNAUTHORIZED");
        assertThat(xhr.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void theServicesCredentialsDoNotOpenTheDashboardOrSpringBootAdmin() {
        assertProblem(send("GET", url("/admin/applications"), null, null, null,
                Map.of("Accept", "application/json", "Authorization", client())), 403, "FORBIDDEN");
        assertProblem(send("GET", url("/"), null, null, null, Map.of("Authorization", client())), 403, "FORBIDDEN");
    }

    @Test
    void adminLogsInThroughTheLoginPageAndSeesDashboardAndSpringBootAdmin() throws Exception {
        try (HttpClient browser = HttpClient.newBuilder()
            .cookieHandler(new java.net.CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build()) {
            HttpResponse<String> loginPage = browser.send(
                    HttpRequest.newBuilder(URI.create(url("/admin/login"))).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(loginPage.statusCode()).isEqualTo(200);
            String csrf = cookie(loginPage, "XSRF-TOKEN");

            HttpResponse<String> withoutCsrf = browser.send(
                    form("/admin/login", Map.of("username", "admin", "password", ADMIN_PASSWORD)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(withoutCsrf.statusCode()).as("login without the CSRF token").isEqualTo(403);

            HttpResponse<String> wrong = browser.send(
                    form("/admin/login",
                            Map.of("username", "admin", "password", "not-" + ADMIN_PASSWORD, "_csrf", csrf)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(302);
            assertThat(wrong.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).contains("/admin/login?error"));

            // A redirectTo parameter (Spring Boot Admin's sample honours one) does not
            // lead elsewhere.
            HttpResponse<String> loggedIn = browser.send(form("/admin/login", Map.of("username", "admin", "password",
                    ADMIN_PASSWORD, "_csrf", csrf, "redirectTo", "https://evil.example/")),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(loggedIn.statusCode()).isEqualTo(302);
            assertThat(loggedIn.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).contains("/admin")
                    .doesNotContain("evil.example")
                    .doesNotContain("error"));

            HttpResponse<String> dashboard = browser.send(
                    HttpRequest.newBuilder(URI.create(url("/"))).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(dashboard.statusCode()).isEqualTo(200);
            assertThat(dashboard.body()).contains("Eureka");
            HttpResponse<String> admin = browser.send(
                    HttpRequest.newBuilder(URI.create(url("/admin"))).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(admin.statusCode()).isEqualTo(200);
            assertThat(admin.body()).contains("EDP services");
            HttpResponse<String> applications = browser
                .send(HttpRequest.newBuilder(URI.create(url("/admin/applications")))
                    .header("Accept", "application/json")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(applications.statusCode()).isEqualTo(200);

            // The session alone does not change anything: the XSRF-TOKEN cookie must be
            // echoed.
            HttpResponse<String> logoutWithoutCsrf = browser
                .send(HttpRequest.newBuilder(URI.create(url("/admin/logout")))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(logoutWithoutCsrf.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void adminMayUseBasicCredentialsForScripts() {
        HttpResponse<String> applications = send("GET", url("/admin/applications"), null, null, null,
                Map.of("Accept", "application/json", "Authorization", admin()));
        assertThat(applications.statusCode()).as(applications.body()).isEqualTo(200);
    }

    @Test
    void exposesHealthAndPrometheusOnTheManagementPort() {
        HttpResponse<String> readiness = send("GET",
                "http://localhost:" + managementPort + "/actuator/health/readiness", null, null);
        assertThat(readiness.statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = send("GET", "http://localhost:" + managementPort + "/actuator/prometheus", null,
                null);
        assertThat(metrics.body()).contains("application=\"service-registry\"");
    }

    @Test
    void unknownPathIsRefusedAnonymouslyAndProblemJsonForTheAdmin() {
        assertProblem(send("GET", url("/no/such/page"), null, null), 401, "UNAUTHORIZED");
        assertProblem(send("GET", url("/no/such/page"), null, null, null, Map.of("Authorization", admin())), 404,
                "NOT_FOUND");
    }

    HttpRequest form(String path, Map<String, String> fields) {
        String body = fields.entrySet()
            .stream()
            .map(e -> java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                    + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .reduce((a, b) -> a + "&" + b)
            .orElse("");
        return HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    }

    static String cookie(HttpResponse<?> response, String name) {
        return response.headers()
            .allValues("Set-Cookie")
            .stream()
            .filter(header -> header.startsWith(name + "="))
            .map(header -> header.substring(name.length() + 1).split(";", 2)[0])
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers()));
    }

}
