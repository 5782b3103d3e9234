package dev.edp.monitoring.live;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import dev.edp.monitoring.ingest.ReportBuffer;
import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The SSE stream against real PostgreSQL LISTEN/NOTIFY (test profile: keep-alive every 1 s). */
@MonitoringTest
class LiveEventStreamIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration QUIET = Duration.ofMillis(1500);

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    LiveEvents live;

    @Autowired
    LiveEventListener listener;

    @Autowired
    LiveEventMaintenance maintenance;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    ReportBuffer buffer;

    @Autowired
    LiveEventHub hub;

    @BeforeEach
    void listening() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!listener.isListening() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(listener.isListening()).isTrue();
    }

    SseClient stream(String token, String query, Map<String, String> headers) throws Exception {
        SseClient client = SseClient.open(checks.baseUrl() + "/api/monitoring/v1/events/stream" + query, token,
                headers);
        HttpResponse<Stream<String>> response = client.response();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        return client;
    }

    static String viewer(UUID customer) {
        return TestJwtIssuer.token("viewer-" + customer, customer, "viewer");
    }

    static String admin() {
        return TestJwtIssuer.token("support", null, "platform-admin");
    }

    static List<SseClient.Event> ofRun(List<SseClient.Event> events, String run) {
        return events.stream().filter(event -> event.data() != null && event.data().contains(run)).toList();
    }

    @Test
    void customersSeeOnlyTheirOwnEventsAndPlatformAdminsSeeAllIncludingPlatformEvents() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        String run = UUID.randomUUID().toString();
        try (SseClient viewerA = stream(viewer(a), "", Map.of());
                SseClient viewerB = stream(viewer(b), "", Map.of());
                SseClient adminAll = stream(admin(), "", Map.of());
                SseClient adminForA = stream(admin(), "?customerId=" + a, Map.of())) {
            live.publish(a, "test.a", Map.of("run", run, "n", 1));
            live.publish(b, "test.b", Map.of("run", run, "n", 2));
            live.publish(null, "test.platform", Map.of("run", run, "n", 3));

            List<SseClient.Event> seenByA = ofRun(viewerA.drain(QUIET), run);
            assertThat(seenByA).extracting(SseClient.Event::event).containsExactly("test.a");
            assertThat(seenByA.getFirst().id()).matches("\\d+");
            assertThat(JsonPath.<Integer>read(seenByA.getFirst().data(), "$.n")).isEqualTo(1);
            assertThat(ofRun(viewerB.drain(QUIET), run)).extracting(SseClient.Event::event).containsExactly("test.b");
            assertThat(ofRun(adminAll.drain(QUIET), run)).extracting(SseClient.Event::event)
                    .containsExactly("test.a", "test.b", "test.platform");
            assertThat(ofRun(adminForA.drain(QUIET), run)).extracting(SseClient.Event::event)
                    .containsExactly("test.a");
        }
    }

    @Test
    void reconnectWithLastEventIdDeliversWhatWasMissedBeforeLiveEvents() throws Exception {
        UUID customer = UUID.randomUUID();
        live.publish(customer, "test.before", Map.of("n", 1));
        String lastId;
        try (SseClient first = stream(viewer(customer), "", Map.of())) {
            live.publish(customer, "test.seen", Map.of("n", 2));
            SseClient.Event seen = first.next(WAIT);
            assertThat(seen.event()).isEqualTo("test.seen");
            lastId = seen.id();
        }
        live.publish(customer, "test.missed", Map.of("n", 3));
        live.publish(customer, "test.missed", Map.of("n", 4));
        try (SseClient again = stream(viewer(customer), "", Map.of("Last-Event-ID", lastId))) {
            live.publish(customer, "test.live", Map.of("n", 5));
            List<SseClient.Event> events = again.drain(QUIET);
            assertThat(events).extracting(event -> JsonPath.<Integer>read(event.data(), "$.n"))
                    .containsExactly(3, 4, 5);
            assertThat(events).extracting(SseClient.Event::event)
                    .containsExactly("test.missed", "test.missed", "test.live");
            assertThat(Long.parseLong(events.get(0).id())).isGreaterThan(Long.parseLong(lastId));
        }
    }

    @Test
    void eventPublishedInARolledBackTransactionIsNeitherStoredNorStreamed() throws Exception {
        UUID customer = UUID.randomUUID();
        try (SseClient client = stream(viewer(customer), "", Map.of())) {
            transactions.executeWithoutResult(status -> {
                live.publish(customer, "test.rolled-back", Map.of("n", 1));
                status.setRollbackOnly();
            });
            live.publish(customer, "test.committed", Map.of("n", 2));
            assertThat(client.drain(QUIET)).extracting(SseClient.Event::event).containsExactly("test.committed");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM live_event WHERE customer_id = :c").param("c", customer)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void deviceComingOnlineIsStreamedOnceAsDeviceOnlineToItsCustomer() throws Exception {
        UUID customer = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        try (SseClient client = stream(viewer(customer), "", Map.of());
                SseClient stranger = stream(viewer(UUID.randomUUID()), "", Map.of())) {
            assertThat(Devices.post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat",
                    Devices.heartbeat(10, 1)).statusCode()).isEqualTo(202);
            buffer.flush();
            SseClient.Event online = client.next(WAIT);
            assertThat(online).isNotNull();
            assertThat(online.event()).isEqualTo("device.online");
            assertThat(JsonPath.<String>read(online.data(), "$.deviceId")).isEqualTo(device.toString());
            assertThat(JsonPath.<String>read(online.data(), "$.customerId")).isEqualTo(customer.toString());
            assertThat(JsonPath.<String>read(online.data(), "$.to")).isEqualTo("ONLINE");
            assertThat(JsonPath.<String>read(online.data(), "$.at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            maintenance.publishConnectivity();
            assertThat(client.drain(QUIET)).isEmpty();
            assertThat(ofRun(stranger.drain(Duration.ofMillis(200)), device.toString())).isEmpty();
        }
        assertThat(jdbc.sql("SELECT count(*) FROM live_event WHERE data->>'deviceId' = :d")
                .param("d", device.toString()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void quietStreamGetsKeepAliveComments() throws Exception {
        try (SseClient client = stream(viewer(UUID.randomUUID()), "", Map.of())) {
            SseClient.Event first = client.nextIncludingComments(Duration.ofSeconds(3));
            assertThat(first).isNotNull();
            assertThat(first.comment()).isEqualTo("keep-alive");
        }
    }

    @Test
    void clientThatDisconnectsIsRemovedByTheNextKeepAlive() throws Exception {
        // Streams closed by earlier tests go away the same way.
        awaitClients(0);
        SseClient client = stream(viewer(UUID.randomUUID()), "", Map.of());
        assertThat(hub.clientCount()).isEqualTo(1);
        client.close();
        awaitClients(0);
    }

    void awaitClients(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (hub.clientCount() != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(hub.clientCount()).isEqualTo(expected);
    }

    @Test
    void streamIsRefusedWithProblemsWithoutTokenForAnotherCustomerAndWithoutCustomer() {
        String url = checks.baseUrl() + "/api/monitoring/v1/events/stream";
        assertThat(ServiceSmokeChecks.send("GET", url, null, null, null).statusCode()).isEqualTo(401);
        UUID own = UUID.randomUUID();
        assertProblem(ServiceSmokeChecks.send("GET", url + "?customerId=" + UUID.randomUUID(), null, null,
                viewer(own)), 404, "NOT_FOUND");
        assertProblem(ServiceSmokeChecks.send("GET", url, null, null, TestJwtIssuer.token("nobody", null, "viewer")),
                403, "NO_CUSTOMER");
    }

    @Test
    void eventsOlderThanTheReplayWindowArePruned() {
        UUID customer = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO live_event (customer_id, type, data, created_at)
                VALUES (:c, 'test.old', '{}', now() - interval '11 minutes'), (:c, 'test.new', '{}', now())""")
                .param("c", customer).update();
        maintenance.prune();
        assertThat(jdbc.sql("SELECT type FROM live_event WHERE customer_id = :c").param("c", customer)
                .query(String.class).list()).containsExactly("test.new");
    }

    @Test
    void connectedClientsAreCountedOnPrometheus() throws Exception {
        try (SseClient client = stream(viewer(UUID.randomUUID()), "", Map.of())) {
            String metrics = ServiceSmokeChecks.send("GET", checks.managementUrl() + "/actuator/prometheus", null, null)
                    .body();
            String line = metrics.lines().filter(l -> l.startsWith("edp_live_clients")).findFirst().orElseThrow();
            assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(1);
        }
    }
}
