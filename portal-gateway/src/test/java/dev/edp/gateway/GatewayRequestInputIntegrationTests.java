package dev.edp.gateway;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.http.StubBackend;
import dev.edp.test.postgres.WithPostgres;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's request checks in the real gateway, in front of a real HTTP backend: text
 * that cannot be stored and bodies over the limit are refused at the gateway, and such
 * refusals do not count against the service's circuit breaker.
 */
@WithPostgres
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false", "edp.web.max-request-size=64KB" })
class GatewayRequestInputIntegrationTests {

    static final StubBackend masterdata = StubBackend.start();

    static final String TOKEN = TestJwtIssuer.token("olga", UUID.randomUUID(), "operator");

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
    ReactiveResilience4JCircuitBreakerFactory breakers;

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void queryTextThatCannotBeStoredIsRefusedBeforeRouting() {
        for (String query : new String[] { "q=%00", "q=%ED%A0%80", "label=line:%C3%28" }) {
            HttpResponse<String> response = ServiceSmokeChecks.send("GET", url("/api/masterdata/v1/nul-query?" + query),
                    null, null, TOKEN);
            assertProblem(response, 400, "INVALID_TEXT");
            assertThat(JsonPath.<String>read(response.body(), "$.in")).isEqualTo("query");
        }
        assertThat(masterdata.calls("/api/masterdata/v1/nul-query")).isZero();
    }

    @Test
    void overLongCursorsAndRequestTargetsAreProblemsFromTheGatewayNotBareAnswersFromNetty() {
        // 5,000 characters are past Netty's default request line (4 KB), which answered a
        // bare 414 without a body.
        HttpResponse<String> cursor = ServiceSmokeChecks.send("GET",
                url("/api/masterdata/v1/long-query?cursor=" + "A".repeat(5_000)), null, null, TOKEN);
        assertProblem(cursor, 400, "PARAMETER_TOO_LONG");
        assertThat(JsonPath.<String>read(cursor.body(), "$.field")).isEqualTo("cursor");
        HttpResponse<String> target = ServiceSmokeChecks.send("GET",
                url("/api/masterdata/v1/long-query?" + "a=1&".repeat(5_000)), null, null, TOKEN);
        assertProblem(target, 414, "URI_TOO_LONG");
        assertThat(masterdata.calls("/api/masterdata/v1/long-query")).isZero();
    }

    @Test
    void aPathThatCannotBeStoredIsRefusedBeforeRouting() {
        assertProblem(ServiceSmokeChecks.send("GET", url("/api/masterdata/v1/machines/a%00b"), null, null, TOKEN), 400,
                "INVALID_TEXT");
        assertThat(masterdata.received())
            .noneSatisfy(request -> assertThat(request.pathAndQuery()).startsWith("/api/masterdata/v1/machines/a"));
    }

    @Test
    void aBodyDeclaredOverTheLimitIsRefusedBeforeRouting() {
        byte[] body = json(100 * 1024);
        assertProblem(ServiceSmokeChecks.sendBytes("POST", url("/api/masterdata/v1/big-declared"), "application/json",
                body, false, TOKEN, Map.of()), 413, "REQUEST_TOO_LARGE");
        assertThat(masterdata.calls("/api/masterdata/v1/big-declared")).isZero();
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AndLeavesTheServicesBreakerClosed() {
        byte[] body = json(100 * 1024);
        // More refusals than the breaker's minimum number of calls (10): were they
        // counted as the service's failures, the breaker would open for everybody.
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> response = ServiceSmokeChecks.sendBytes("POST", url("/api/masterdata/v1/big-chunked"),
                    "application/json", body, true, TOKEN, Map.of());
            assertProblem(response, 413, "REQUEST_TOO_LARGE");
        }
        assertThat(masterdata.calls("/api/masterdata/v1/big-chunked")).isZero();
        assertThat(breakers.getCircuitBreakerRegistry().circuitBreaker("masterdata").getState())
            .isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(ServiceSmokeChecks.send("GET", url("/api/masterdata/v1/after"), null, null, TOKEN).statusCode())
            .isEqualTo(200);
    }

    @Test
    void bodiesWithinTheLimitAreRoutedWholeWithOrWithoutContentLength() {
        byte[] body = json(60 * 1024);
        for (boolean chunked : new boolean[] { false, true }) {
            HttpResponse<String> response = ServiceSmokeChecks.sendBytes("POST",
                    url("/api/masterdata/v1/fits-" + chunked), "application/json", body, chunked, TOKEN, Map.of());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String path = "/api/masterdata/v1/fits-" + chunked;
            assertThat(masterdata.received()).anySatisfy(request -> {
                assertThat(request.pathAndQuery()).isEqualTo(path);
                assertThat(request.body()).hasSize(body.length);
            });
        }
    }

    private static byte[] json(int size) {
        return ("{\"name\":\"" + "a".repeat(size) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

}
