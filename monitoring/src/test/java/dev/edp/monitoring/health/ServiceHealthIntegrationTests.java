package dev.edp.monitoring.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpServer;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker against a real in-process HTTP server that is healthy, failing, stopped and
 * back.
 */
@MonitoringTest
@RecordApplicationEvents
class ServiceHealthIntegrationTests {

    @Autowired
    ServiceHealthChecker checker;

    @Autowired
    HealthTargets targets;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    ApplicationEvents events;

    @Autowired
    MeterRegistry meters;

    HttpServer server;

    final AtomicInteger status = new AtomicInteger(200);

    final AtomicReference<String> body = new AtomicReference<>("{\"status\":\"UP\"}");

    HttpServer start(int port) throws IOException {
        HttpServer started = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        started.createContext("/actuator/health", exchange -> {
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        started.start();
        return started;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    List<ServiceHealthChanged> published(String service) {
        return events.stream(ServiceHealthChanged.class).filter(change -> change.service().equals(service)).toList();
    }

    @Test
    void downAndBackUpAreRecordedAndPublishedOncePerTransition() throws Exception {
        server = start(0);
        int port = server.getAddress().getPort();
        String service = "svc-" + UUID.randomUUID();
        HealthTarget target = new HealthTarget(service, "i-1", "http://127.0.0.1:" + port + "/actuator/health");

        assertThat(checker.checkAll(List.of(target))).isEmpty();
        assertThat(state(service)).isEqualTo("true");

        status.set(503);
        body.set("{\"status\":\"DOWN\"}");
        List<ServiceHealthChanged> down = checker.checkAll(List.of(target));
        assertThat(down).singleElement().satisfies(change -> {
            assertThat(change.up()).isFalse();
            assertThat(change.instance()).isEqualTo("i-1");
            assertThat(change.detail()).contains("503");
        });
        server.stop(0);
        server = null;
        assertThat(checker.checkAll(List.of(target))).isEmpty();
        assertThat(published(service)).hasSize(1);
        assertThat(state(service)).isEqualTo("false");

        status.set(200);
        body.set("{\"status\":\"UP\"}");
        server = start(port);
        assertThat(checker.checkAll(List.of(target))).singleElement()
            .satisfies(change -> assertThat(change.up()).isTrue());
        assertThat(published(service)).extracting(ServiceHealthChanged::up).containsExactly(false, true);

        // History: the first sighting and the two transitions; the unchanged checks wrote
        // nothing.
        assertThat(jdbc.sql("SELECT up FROM service_health_history WHERE service = :s ORDER BY id")
            .param("s", service)
            .query(Boolean.class)
            .list()).containsExactly(true, false, true);
        assertThat(
                jdbc.sql("SELECT type FROM live_event WHERE customer_id IS NULL AND data->>'service' = :s ORDER BY id")
                    .param("s", service)
                    .query(String.class)
                    .list())
            .containsExactly("service.down", "service.up");
    }

    @Test
    void instanceThatIsDownWhenFirstSeenIsPublishedAsDown() {
        String service = "svc-" + UUID.randomUUID();
        HealthTarget target = new HealthTarget(service, "i-1",
                "http://127.0.0.1:" + dev.edp.test.http.StubBackend.closedPort() + "/actuator/health");
        assertThat(checker.checkAll(List.of(target))).singleElement().satisfies(change -> {
            assertThat(change.up()).isFalse();
            assertThat(change.detail()).isEqualTo("connection refused");
        });
    }

    /*
     * Before: the one transaction of all results failed on the refused row, so no
     * instance's health was recorded, at every check, for as long as that instance was
     * registered.
     */
    @Test
    void aResultPostgresRefusesIsDroppedAloneAndTheOtherInstancesAreRecorded() {
        String service = "svc-" + UUID.randomUUID();
        String url = "http://127.0.0.1:" + dev.edp.test.http.StubBackend.closedPort() + "/actuator/health";
        // service_health.instance is VARCHAR(255): a registry could announce a longer
        // instance id.
        HealthTarget refused = new HealthTarget(service, "i".repeat(300), url);
        HealthTarget recorded = new HealthTarget(service, "i-2", url);
        double before = rejected();

        assertThat(checker.checkAll(List.of(refused, recorded))).extracting(ServiceHealthChanged::instance)
            .containsExactly("i-2");

        assertThat(jdbc.sql("SELECT instance FROM service_health WHERE service = :s")
            .param("s", service)
            .query(String.class)
            .list()).containsExactly("i-2");
        assertThat(jdbc.sql("SELECT count(*) FROM live_event WHERE type = 'service.down' AND data ->> 'service' = :s")
            .param("s", service)
            .query(Long.class)
            .single()).isEqualTo(1);
        assertThat(rejected()).isEqualTo(before + 1);
    }

    double rejected() {
        var counter = meters.find("edp.monitoring.rejected.reports")
            .tag("kind", "service_health")
            .tag("reason", "22001")
            .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void platformAdminSeesOverviewAndPagedHistoryOthersAreRefused() throws Exception {
        server = start(0);
        String service = "svc-" + UUID.randomUUID();
        HealthTarget one = new HealthTarget(service, "i-1",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/actuator/health");
        HealthTarget two = new HealthTarget(service, "i-2",
                "http://127.0.0.1:" + dev.edp.test.http.StubBackend.closedPort() + "/actuator/health");
        checker.checkAll(List.of(one, two));
        status.set(500);
        checker.checkAll(List.of(one, two));

        String admin = TestJwtIssuer.token("support", null, "platform-admin");
        String base = checks.baseUrl() + "/api/monitoring/v1/services/health";
        HttpResponse<String> overview = ServiceSmokeChecks.send("GET", base, null, null, admin);
        assertThat(overview.statusCode()).isEqualTo(200);
        String mine = "$[?(@.service == '" + service + "')]";
        assertThat(JsonPath.<List<String>>read(overview.body(), mine + ".instance")).containsExactly("i-1", "i-2");
        assertThat(JsonPath.<List<Boolean>>read(overview.body(), mine + ".up")).containsExactly(false, false);
        assertThat(JsonPath.<List<String>>read(overview.body(), mine + ".since"))
            .allSatisfy(since -> assertThat(since).isNotBlank());
        assertThat(JsonPath.<List<String>>read(overview.body(), mine + ".lastCheck")).hasSize(2);
        assertThat(overview.body()).doesNotContain("sampledAt");

        HttpResponse<String> page1 = ServiceSmokeChecks.send("GET", base + "/history?service=" + service + "&limit=2",
                null, null, admin);
        assertThat(page1.statusCode()).isEqualTo(200);
        // Newest first: i-1 went down; i-2 was down when first seen; i-1 was up when
        // first seen.
        assertThat(JsonPath.<List<String>>read(page1.body(), "$.items[*].instance")).containsExactly("i-1", "i-2");
        assertThat(JsonPath.<List<Boolean>>read(page1.body(), "$.items[*].up")).containsExactly(false, false);
        String cursor = JsonPath.read(page1.body(), "$.nextCursor");
        HttpResponse<String> page2 = ServiceSmokeChecks.send("GET",
                base + "/history?service=" + service + "&limit=2&cursor=" + cursor, null, null, admin);
        assertThat(JsonPath.<List<String>>read(page2.body(), "$.items[*].instance")).containsExactly("i-1");
        assertThat(JsonPath.<List<Boolean>>read(page2.body(), "$.items[*].up")).containsExactly(true);
        assertThat(page2.body()).doesNotContain("nextCursor");

        assertProblem(ServiceSmokeChecks.send("GET", base + "/history?cursor=bm9wZQ", null, null, admin), 400,
                "INVALID_CURSOR");
        String customerAdmin = TestJwtIssuer.token("ca", UUID.randomUUID(), "customer-admin");
        assertThat(ServiceSmokeChecks.send("GET", base, null, null, customerAdmin).statusCode()).isEqualTo(403);
        assertThat(ServiceSmokeChecks.send("GET", base + "/history", null, null, customerAdmin).statusCode())
            .isEqualTo(403);
    }

    @Test
    void instanceHealthIsAGaugeOnPrometheus() {
        String service = "svc-" + UUID.randomUUID();
        checker.checkAll(List.of(new HealthTarget(service, "i-9",
                "http://127.0.0.1:" + dev.edp.test.http.StubBackend.closedPort() + "/actuator/health")));
        checker.refreshGauge();
        String metrics = ServiceSmokeChecks.send("GET", checks.managementUrl() + "/actuator/prometheus", null, null)
            .body();
        assertThat(metrics.lines().filter(line -> line.startsWith("edp_service_health_up") && line.contains(service)))
            .singleElement()
            .satisfies(line -> {
                assertThat(line).contains("instance=\"i-9\"");
                assertThat(line).endsWith(" 0.0");
            });
    }

    @Test
    void testProfileChecksNoRegistryAndNoExtraUrls() {
        assertThat(targets.all()).isEmpty();
    }

    String state(String service) {
        return jdbc.sql("SELECT up::text FROM service_health WHERE service = :s")
            .param("s", service)
            .query(String.class)
            .single();
    }

}
