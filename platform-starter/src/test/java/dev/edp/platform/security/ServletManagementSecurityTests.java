package dev.edp.platform.security;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management port of a servlet service: probes, Prometheus and info for anyone,
 * health details and every other operation only for the platform's service client.
 * {@code loggers} and {@code env} are exposed here (they are not by default) to have a
 * write endpoint and a sensitive read endpoint to refuse.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "eureka.client.enabled=false", "spring.cloud.discovery.enabled=false",
                "management.server.port=0", "spring.application.name=management-test",
                "edp.service.api-prefix=/api/test",
                "management.endpoints.web.exposure.include=health,info,prometheus,metrics,loggers,env" })
class ServletManagementSecurityTests {

    static final String LEVEL = "{\"configuredLevel\":\"DEBUG\"}";

    /** A logger of its own, so changing its level touches nothing else. */
    static final Logger LOGGER = LoggerFactory.getLogger("dev.edp.test.management");

    @Value("${local.management.port}")
    int managementPort;

    @Value("${local.server.port}")
    int serverPort;

    String management(String path) {
        return "http://localhost:" + managementPort + "/actuator" + path;
    }

    @Test
    void writeOperationsNeedTheServiceRole() {
        String logger = management("/loggers/dev.edp.test.management");
        assertProblem(send("POST", logger, "application/json", LEVEL), 401, "UNAUTHORIZED");
        assertProblem(send("POST", logger, "application/json", LEVEL,
                TestJwtIssuer.forgedToken("mallory", null, "platform-service")), 401, "UNAUTHORIZED");
        // Not even a platform admin: the role is the service client's alone.
        assertProblem(
                send("POST", logger, "application/json", LEVEL, TestJwtIssuer.token("root", null, "platform-admin")),
                403, "FORBIDDEN");
        assertProblem(send("POST", logger, "application/json", LEVEL,
                TestJwtIssuer.token("olga", UUID.randomUUID(), "operator")), 403, "FORBIDDEN");
        assertThat(LOGGER.isDebugEnabled()).isFalse();

        assertThat(send("POST", logger, "application/json", LEVEL, TestJwtIssuer.serviceToken()).statusCode())
            .isEqualTo(204);
        assertThat(LOGGER.isDebugEnabled()).isTrue();
        send("POST", logger, "application/json", "{\"configuredLevel\":null}", TestJwtIssuer.serviceToken());
    }

    @Test
    void readEndpointsBeyondProbesAndMetricsNeedTheServiceRole() {
        assertProblem(send("GET", management("/env"), null, null), 401, "UNAUTHORIZED");
        assertProblem(send("GET", management("/loggers"), null, null), 401, "UNAUTHORIZED");
        assertThat(send("GET", management("/env"), null, null, TestJwtIssuer.serviceToken()).statusCode())
            .isEqualTo(200);
    }

    @Test
    void requestsAreMeasuredWithoutSpringSecurityObservations() {
        // http.server.requests measures the application port (not the management port).
        assertThat(send("GET", "http://localhost:" + serverPort + "/api/test/anything", null, null).statusCode())
            .isEqualTo(401);
        assertThat(send("GET", "http://localhost:" + serverPort + "/api/test/anything", null, null,
                TestJwtIssuer.token("olga", UUID.randomUUID(), "operator"))
            .statusCode()).isNotEqualTo(401);
        String metrics = send("GET", management("/prometheus"), null, null).body();
        assertThat(metrics).contains("http_server_requests_seconds_count");
        // Every request passed the security chain, and not one filter, authentication or
        // authorization of it was observed.
        assertThat(metrics).doesNotContain("spring_security_");
    }

    @Test
    void probesPrometheusInfoAndMetricsStayAnonymous() {
        for (String path : new String[] { "", "/health", "/health/readiness", "/health/liveness", "/info",
                "/prometheus", "/metrics", "/metrics/jvm.memory.used" }) {
            assertThat(send("GET", management(path), null, null).statusCode()).as(path).isEqualTo(200);
        }
        assertProblem(send("POST", management("/health"), "application/json", "{}"), 401, "UNAUTHORIZED");
    }

    @Test
    void healthShowsOnlyTheStatusToAnonymousCallersAndDetailsToTheServiceClient() {
        HttpResponse<String> anonymous = send("GET", management("/health"), null, null);
        assertThat(JsonPath.<String>read(anonymous.body(), "$.status")).isEqualTo("UP");
        assertThat(JsonPath.<Map<String, Object>>read(anonymous.body(), "$")).doesNotContainKeys("components",
                "details");
        // A user token, however high, does not see details either.
        HttpResponse<String> admin = send("GET", management("/health"), null, null,
                TestJwtIssuer.token("root", null, "platform-admin"));
        assertThat(JsonPath.<Map<String, Object>>read(admin.body(), "$")).doesNotContainKey("components");

        HttpResponse<String> service = send("GET", management("/health"), null, null, TestJwtIssuer.serviceToken());
        assertThat(JsonPath.<Map<String, Object>>read(service.body(), "$.components")).containsKey("diskSpace");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

    }

}
