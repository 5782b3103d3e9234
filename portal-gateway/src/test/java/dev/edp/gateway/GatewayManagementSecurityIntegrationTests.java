package dev.edp.gateway;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.security.TestJwtIssuer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's management port (reactive, behind the starter's management chain rather
 * than the portal's login chain): probes, Prometheus and info for anyone; health details,
 * log levels and every other operation only with the platform's service token
 * ({@code loggers} is the write endpoint to refuse, {@code env} the sensitive read).
 */
@GatewayWithManagementPort
class GatewayManagementSecurityIntegrationTests {

    static final String LEVEL = "{\"configuredLevel\":\"DEBUG\"}";

    /** A logger of its own, so changing its level touches nothing else. */
    static final Logger LOGGER = LoggerFactory.getLogger("dev.edp.test.gateway.management");

    @Value("${local.management.port}")
    int managementPort;

    String management(String path) {
        return "http://localhost:" + managementPort + "/actuator" + path;
    }

    @Test
    void writeOperationsNeedThePlatformServiceToken() {
        String logger = management("/loggers/dev.edp.test.gateway.management");
        // No CSRF token, no session: the portal's login chain is not in the way, the
        // service token is what counts.
        assertProblem(send("POST", logger, "application/json", LEVEL), 401, "UNAUTHORIZED");
        assertProblem(
                send("POST", logger, "application/json", LEVEL, TestJwtIssuer.token("root", null, "platform-admin")),
                403, "FORBIDDEN");
        assertProblem(send("POST", logger, "application/json", LEVEL,
                TestJwtIssuer.expiredToken("svc", null, "platform-service")), 401, "UNAUTHORIZED");
        assertThat(LOGGER.isDebugEnabled()).isFalse();

        assertThat(send("POST", logger, "application/json", LEVEL, TestJwtIssuer.serviceToken()).statusCode())
            .isEqualTo(204);
        assertThat(LOGGER.isDebugEnabled()).isTrue();
        send("POST", logger, "application/json", "{\"configuredLevel\":null}", TestJwtIssuer.serviceToken());
    }

    @Test
    void sensitiveReadEndpointsNeedThePlatformServiceToken() {
        assertProblem(send("GET", management("/env"), null, null), 401, "UNAUTHORIZED");
        assertProblem(
                send("GET", management("/env"), null, null, TestJwtIssuer.token("olga", UUID.randomUUID(), "operator")),
                403, "FORBIDDEN");
        assertThat(send("GET", management("/env"), null, null, TestJwtIssuer.serviceToken()).statusCode())
            .isEqualTo(200);
    }

    @Test
    void probesAndMetricsAreAnonymousAndHealthShowsDetailsOnlyToTheServiceClient() {
        for (String path : new String[] { "/health/readiness", "/health/liveness", "/info", "/prometheus" }) {
            assertThat(send("GET", management(path), null, null).statusCode()).as(path).isEqualTo(200);
        }
        HttpResponse<String> anonymous = send("GET", management("/health"), null, null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<Map<String, Object>>read(anonymous.body(), "$")).containsKey("status")
            .doesNotContainKeys("components", "details");
        HttpResponse<String> service = send("GET", management("/health"), null, null, TestJwtIssuer.serviceToken());
        assertThat(JsonPath.<Map<String, Object>>read(service.body(), "$.components")).containsKey("db");
    }

}
