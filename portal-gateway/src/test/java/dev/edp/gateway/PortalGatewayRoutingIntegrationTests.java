package dev.edp.gateway;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.edp.platform.gateway.ServiceFallbackController;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.postgres.WithPostgres;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway against real HTTP backends found through discovery (the simple discovery
 * client standing in for Eureka): routing, retries, timeouts and the 503 fallback.
 * Requests carry a bearer token as API clients' do.
 */
@WithPostgres
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "management.server.port=0",
        "eureka.client.enabled=false", "spring.cloud.gateway.server.webflux.httpclient.response-timeout=2s" })
class PortalGatewayRoutingIntegrationTests {

    static final StubBackend masterdata = StubBackend.start()
        .script("/api/masterdata/v1/flaky", new Answer(503, null, null, 0),
                new Answer(200, "application/json", "{\"second\":true}", 0))
        .script("/api/masterdata/v1/database-down",
                new Answer(503, "application/problem+json", "{\"code\":\"DATABASE_UNAVAILABLE\"}", 0,
                        Map.of("Retry-After", "5")),
                new Answer(200, "application/json", "{\"second\":true}", 0))
        .script("/api/masterdata/v1/slow", new Answer(200, "application/json", "{}", 5_000));

    static final StubBackend monitoring = StubBackend.start();

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.masterdata[0].uri", masterdata::url);
        registry.add("spring.cloud.discovery.client.simple.instances.monitoring[0].uri", monitoring::url);
        // Registered but stopped: nothing listens on the port.
        registry.add("spring.cloud.discovery.client.simple.instances.onboarding[0].uri",
                () -> "http://127.0.0.1:" + StubBackend.closedPort());
    }

    @AfterAll
    static void stop() {
        masterdata.close();
        monitoring.close();
    }

    @Value("${local.server.port}")
    int port;

    @Value("${local.management.port}")
    int managementPort;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory breakers;

    @Autowired
    MeterRegistry meters;

    /** How many fallbacks the route had for a cause, as the metric counts them. */
    double fallbacks(String route, String cause) {
        Counter counter = meters.find(ServiceFallbackController.METRIC)
            .tag("route", route)
            .tag("cause", cause)
            .counter();
        return (counter != null) ? counter.count() : 0;
    }

    static final String TOKEN = TestJwtIssuer.token("olga", java.util.UUID.randomUUID(), "operator");

    static HttpResponse<String> send(String method, String url, String contentType, String body) {
        return ServiceSmokeChecks.send(method, url, contentType, body, TOKEN);
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void routesToTheServiceFoundInTheRegistryKeepingPathAndQuery() {
        HttpResponse<String> response = send("GET", url("/api/masterdata/v1/things?limit=5"), null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(masterdata.received())
            .anySatisfy(request -> assertThat(request.pathAndQuery()).isEqualTo("/api/masterdata/v1/things?limit=5"));
    }

    @Test
    void serviceMissingFromTheRegistryIs503Problem() {
        double before = fallbacks("device-management", "no-instance");
        HttpResponse<String> response = send("GET", url("/api/devices/v1/devices"), null, null);
        assertProblem(response, 503, "SERVICE_UNAVAILABLE");
        assertThat(fallbacks("device-management", "no-instance")).isEqualTo(before + 1);
        assertThat(JsonPath.<String>read(response.body(), "$.detail")).contains("device-management");
        assertThat(JsonPath.<String>read(response.body(), "$.instance")).isEqualTo("/api/devices/v1/devices");
    }

    @Test
    void stoppedServiceIs503ProblemWithoutHanging() {
        double before = fallbacks("onboarding", "connect");
        Instant start = Instant.now();
        assertProblem(send("GET", url("/api/onboarding/v1/tokens"), null, null), 503, "SERVICE_UNAVAILABLE");
        assertProblem(send("POST", url("/api/onboarding/v1/tokens"), "application/json", "{}"), 503,
                "SERVICE_UNAVAILABLE");
        // Both failed on the refused connection, not on a timeout (here 2 s, then 504):
        // that is what "without hanging" means. The bound on the total is generous
        // because a loaded machine (load average 31) took 15 s for the two.
        assertThat(fallbacks("onboarding", "connect")).isEqualTo(before + 2);
        assertThat(fallbacks("onboarding", "timeout")).isZero();
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void idempotentRequestIsRetriedWhenTheInstanceAnswers503() {
        HttpResponse<String> response = send("GET", url("/api/masterdata/v1/flaky"), null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("second");
        assertThat(masterdata.calls("/api/masterdata/v1/flaky")).isEqualTo(2);
    }

    @Test
    void a503ThatSaysWhenToComeBackIsPassedOnAtOnceWithoutRetrying() {
        HttpResponse<String> response = send("GET", url("/api/masterdata/v1/database-down"), null, null);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.body()).contains("DATABASE_UNAVAILABLE");
        assertThat(masterdata.calls("/api/masterdata/v1/database-down")).isEqualTo(1);
    }

    @Test
    void theLiveEventStreamPassesWhileItsServicesBreakerIsOpen() {
        assertThat(send("GET", url("/api/monitoring/v1/devices"), null, null).statusCode()).isEqualTo(200);
        // Breakers are per route: open the stream route's own one as well as the
        // service's.
        breakers.getCircuitBreakerRegistry().circuitBreaker("monitoring").transitionToOpenState();
        breakers.getCircuitBreakerRegistry().circuitBreaker("monitoring-events").transitionToOpenState();
        try {
            double before = fallbacks("monitoring", "breaker-open");
            assertProblem(send("GET", url("/api/monitoring/v1/devices"), null, null), 503, "SERVICE_UNAVAILABLE");
            assertThat(fallbacks("monitoring", "breaker-open")).isEqualTo(before + 1);
            // A stream lasts minutes: were it behind the breaker, a half-open breaker
            // would let a few streams through and refuse everything else until they end.
            HttpResponse<String> stream = send("GET", url("/api/monitoring/v1/events/stream"), null, null);
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(monitoring.received()).anySatisfy(
                    request -> assertThat(request.pathAndQuery()).isEqualTo("/api/monitoring/v1/events/stream"));
        }
        finally {
            breakers.getCircuitBreakerRegistry().circuitBreaker("monitoring").transitionToClosedState();
            breakers.getCircuitBreakerRegistry().circuitBreaker("monitoring-events").transitionToClosedState();
        }
    }

    @Test
    void slowServiceIs504ProblemAfterTheResponseTimeout() {
        double before = fallbacks("masterdata", "timeout");
        assertProblem(send("GET", url("/api/masterdata/v1/slow"), null, null), 504, "SERVICE_TIMEOUT");
        assertThat(fallbacks("masterdata", "timeout")).isEqualTo(before + 1);
    }

    @Test
    void unknownPathIs404Problem() {
        assertProblem(send("GET", url("/no/such/route"), null, null), 404, "NOT_FOUND");
    }

    @Test
    void fallbackPathIsNotAnEndpointOfItsOwn() {
        assertProblem(send("GET", url("/fallback"), null, null), 404, "NOT_FOUND");
    }

    @Test
    void exposesReadinessAndPrometheusOnTheManagementPort() {
        assertThat(ServiceSmokeChecks
            .send("GET", "http://localhost:" + managementPort + "/actuator/health/readiness", null, null)
            .statusCode()).isEqualTo(200);
        assertThat(ServiceSmokeChecks
            .send("GET", "http://localhost:" + managementPort + "/actuator/prometheus", null, null)
            .body()).contains("application=\"portal-gateway\"");
    }

    @Test
    void routedRequestsAreMeasuredUnderTheGatewaysOwnMetricName() {
        assertThat(send("GET", url("/api/masterdata/v1/measured"), null, null).statusCode()).isEqualTo(200);
        String metrics = ServiceSmokeChecks
            .send("GET", "http://localhost:" + managementPort + "/actuator/prometheus", null, null)
            .body();
        // Not http_client_requests: that name belongs to WebClient/RestClient with other
        // tag keys.
        assertThat(metrics).containsPattern(
                "spring_cloud_gateway_http_client_requests_seconds_count\\{[^}]*spring_cloud_gateway_route_id=\"masterdata\"");
    }

}
