package dev.edp.gateway.openapi;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.platform.openapi.DeviceApi;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.postgres.WithPostgres;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's Swagger UI and the API documents behind it: behind login (a browser is
 * sent to the login, an API call without a token is 401), the services' documents routed
 * to their {@code /v3/api-docs}, E3's device API document served, internal endpoints
 * still refused.
 */
@WithPostgres
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false" })
class ApiDocsIntegrationTests {

    static final String DOCUMENT = "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"EDP masterdata\"},\"paths\":{}}";

    static final StubBackend masterdata = StubBackend.start()
        .script("/v3/api-docs", new Answer(200, "application/json", DOCUMENT, 0));

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.masterdata[0].uri", masterdata::url);
    }

    @AfterAll
    static void stop() {
        masterdata.close();
    }

    static final String TOKEN = TestJwtIssuer.token("vera", UUID.randomUUID(), "viewer");

    static final HttpClient BROWSER = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    @Value("${local.server.port}")
    int port;

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void swaggerUiSendsABrowserWithoutSessionToTheLogin() throws Exception {
        int before = masterdata.calls("/v3/api-docs");
        for (String path : List.of("/swagger-ui.html", "/webjars/swagger-ui/index.html", "/v3/api-docs/swagger-config",
                DeviceApi.PATH)) {
            HttpResponse<String> response = BROWSER.send(
                    HttpRequest.newBuilder(URI.create(url(path))).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(path)
                .hasValueSatisfying(location -> assertThat(location).contains("/oauth2/authorization/"));
        }
        assertProblem(ServiceSmokeChecks.send("GET", url("/api/masterdata/v3/api-docs"), null, null), 401,
                "UNAUTHORIZED");
        assertThat(masterdata.calls("/v3/api-docs")).isEqualTo(before);
    }

    @Test
    void swaggerUiListsEveryServiceAndTheDeviceApi() {
        HttpResponse<String> ui = ServiceSmokeChecks.send("GET", url("/webjars/swagger-ui/index.html"), null, null,
                TOKEN);
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger");
        HttpResponse<String> config = ServiceSmokeChecks.send("GET", url("/v3/api-docs/swagger-config"), null, null,
                TOKEN);
        assertThat(config.statusCode()).as(config.body()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(config.body(), "$.urls[*].url")).contains("/api/masterdata/v3/api-docs",
                "/api/onboarding/v3/api-docs", "/api/devices/v3/api-docs", "/api/monitoring/v3/api-docs",
                DeviceApi.PATH);
    }

    @Test
    void servicesDocumentsAreRoutedToTheirOwnApiDocs() {
        HttpResponse<String> response = ServiceSmokeChecks.send("GET", url("/api/masterdata/v3/api-docs"), null, null,
                TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(DOCUMENT);
        assertThat(masterdata.received()).anySatisfy(request -> {
            assertThat(request.pathAndQuery()).isEqualTo("/v3/api-docs");
            assertThat(request.header("Cookie")).isNull();
        });
    }

    @Test
    void serviceNotInTheRegistryIs503ProblemForItsDocument() {
        assertProblem(ServiceSmokeChecks.send("GET", url("/api/onboarding/v3/api-docs"), null, null, TOKEN), 503,
                "SERVICE_UNAVAILABLE");
    }

    @Test
    void e3DeviceApiDocumentIsServedWithAToken() {
        HttpResponse<String> response = ServiceSmokeChecks.send("GET", url(DeviceApi.PATH), null, null, TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(new String(DeviceApi.json(), StandardCharsets.UTF_8));
    }

    @Test
    void internalEndpointsStayRefused() {
        assertProblem(ServiceSmokeChecks.send("GET", url("/api/masterdata/v1/internal/anything"), null, null, TOKEN),
                403, "FORBIDDEN");
    }

}
