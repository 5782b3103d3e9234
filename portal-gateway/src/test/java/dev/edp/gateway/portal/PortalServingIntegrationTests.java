package dev.edp.gateway.portal;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.edp.test.postgres.WithPostgres;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway serves the real portal build (the {@code portal} module's jar on the
 * classpath): deep links fall back to {@code index.html} after the login check, hashed
 * assets are immutable, {@code index.html} is revalidated, and the Content Security
 * Policy allows no inline script.
 */
@WithPostgres
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false",
                "edp.portal.issuer-uri=http://keycloak.test:8180/realms/edp",
                "edp.portal.browser-issuer-uri=http://login.example.test:8180/realms/edp",
                "edp.portal.client-secret=test-secret" })
class PortalServingIntegrationTests {

    static final Map<String, String> BROWSER = Map.of("Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

    @Value("${local.server.port}")
    int port;

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    static String operator() {
        return TestJwtIssuer.token("olga", UUID.randomUUID(), "operator");
    }

    @Test
    void deepLinkWithoutSessionIsSentToTheLogin() {
        HttpResponse<String> page = send("GET", url("/devices/0b5c1a52-8d4f-4d0e-9a39-0f4a1a4b8e11"), null, null, null,
                BROWSER);
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue("/oauth2/authorization/keycloak");
    }

    @Test
    void deepLinkOfALoggedInUserServesTheAppShellRevalidatedOnEveryLoad() {
        for (String path : new String[] { "/", "/devices/0b5c1a52-8d4f-4d0e-9a39-0f4a1a4b8e11", "/alerts" }) {
            HttpResponse<String> page = send("GET", url(path), null, null, operator(), BROWSER);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).contains("<app-root>");
            assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(page.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
            assertThat(page.headers().firstValue("Pragma")).isEmpty();
        }
    }

    @Test
    void everyAnswerCarriesAPolicyWithoutInlineScriptsAndFormsOnlyToTheGatewayAndKeycloak() {
        HttpResponse<String> page = send("GET", url("/fleet"), null, null, operator(), BROWSER);
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        String scriptSrc = directive(csp, "script-src");
        assertThat(scriptSrc).isEqualTo("script-src 'self'");
        assertThat(directive(csp, "default-src")).isEqualTo("default-src 'self'");
        assertThat(directive(csp, "frame-ancestors")).isEqualTo("frame-ancestors 'none'");
        assertThat(directive(csp, "form-action")).isEqualTo("form-action 'self' http://login.example.test:8180");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        // The policy holds only because the build emits no inline script: every <script>
        // has a src.
        Matcher scripts = Pattern.compile("<script\\b([^>]*)>", Pattern.CASE_INSENSITIVE).matcher(page.body());
        int count = 0;
        while (scripts.find()) {
            assertThat(scripts.group(1)).as("inline script in index.html").contains("src=");
            count++;
        }
        assertThat(count).isPositive();
        assertThat(page.body()).doesNotContainPattern("(?i)\\son[a-z]+=");
        // API answers carry it too.
        assertThat(send("GET", url("/api/me"), null, null, operator()).headers().firstValue("Content-Security-Policy"))
            .hasValue(csp);
    }

    @Test
    void hashedAssetsArePublicAndImmutable() throws IOException {
        String main = hashedMainScript();
        HttpResponse<String> asset = send("GET", url("/" + main), null, null);
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).contains("javascript"));
        assertThat(asset.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(asset.headers().firstValue("Pragma")).isEmpty();
        assertThat(asset.headers().firstValue("Expires")).isEmpty();
    }

    @Test
    void missingFilesAndApiPathsAreNeverAnsweredWithTheApp() {
        HttpResponse<String> missing = send("GET", url("/chunk-NOTTHERE.js"), null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).doesNotContain("<app-root>");
        HttpResponse<String> api = send("GET", url("/api/me"), null, null, operator(), BROWSER);
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertProblem(send("GET", url("/api/me"), null, null, null, BROWSER), 401, "UNAUTHORIZED");
        HttpResponse<String> post = send("POST", url("/devices"), "application/json", "{}", operator(), BROWSER);
        assertThat(post.body()).doesNotContain("<app-root>");
    }

    @Test
    void apiDocumentationPathsAreNeverAnsweredWithTheApp() {
        // Paths without a file extension are the ones the fallback would take for pages.
        for (String path : new String[] { "/swagger-ui.html", "/swagger-ui", "/webjars/swagger-ui",
                "/webjars/swagger-ui/index.html", "/v3/api-docs", "/v3/api-docs/swagger-config",
                "/api/devices/v3/api-docs", "/openapi/device-api.json", "/openapi/device-api", "/openapi" }) {
            HttpResponse<String> response = send("GET", url(path), null, null, operator(), BROWSER);
            assertThat(response.body()).as(path).doesNotContain("<app-root>");
        }
        // Swagger UI itself is served (springdoc sends the browser on to its webjar).
        HttpResponse<String> ui = send("GET", url("/webjars/swagger-ui/index.html"), null, null, operator(), BROWSER);
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui-bundle.js");
    }

    /** The real build's entry script, as index.html names it. */
    static String hashedMainScript() throws IOException {
        try (InputStream in = PortalServingIntegrationTests.class.getResourceAsStream("/static/index.html")) {
            assertThat(in).as("the portal build on the classpath (module portal)").isNotNull();
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher main = Pattern.compile("src=\"(main-[A-Z0-9]{8}\\.js)\"").matcher(html);
            assertThat(main.find()).as(html).isTrue();
            assertThat(PortalResources.HASHED.matcher("/" + main.group(1)).matches()).isTrue();
            return main.group(1);
        }
    }

    static String directive(String csp, String name) {
        for (String part : csp.split(";")) {
            if (part.trim().startsWith(name + " ")) {
                return part.trim();
            }
        }
        throw new AssertionError(name + " missing in " + csp);
    }

}
