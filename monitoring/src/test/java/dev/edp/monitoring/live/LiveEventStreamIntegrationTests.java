package dev.edp.monitoring.live;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import dev.edp.monitoring.ingest.ReportBuffer;
import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.monitoring.support.TestCustomers;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SSE stream against real PostgreSQL LISTEN/NOTIFY (test profile: keep-alive every 1
 * s, open streams' customers checked every 200 ms). No test waits a fixed time for
 * "nothing more": each publishes a marker after what it expects and reads up to the
 * marker (events reach a stream in commit order), with generous deadlines for what must
 * arrive.
 */
@MonitoringTest
class LiveEventStreamIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    LiveEvents live;

    @Autowired
    LiveEventListener listener;

    @Autowired
    LiveEventMaintenance maintenance;

    @Autowired
    LiveEventRepository repository;

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

    String streamUrl() {
        return checks.baseUrl() + "/api/monitoring/v1/events/stream";
    }

    SseClient stream(String token, String query, Map<String, String> headers) throws Exception {
        SseClient client = SseClient.open(streamUrl() + query, token, headers);
        HttpResponse<Stream<String>> response = client.response();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        return client;
    }

    static String viewer(UUID customer) {
        return TestJwtIssuer.token("viewer-" + customer, customer, "viewer");
    }

    static String admin() {
        return TestJwtIssuer.token("support", null, "platform-admin");
    }

    /** Publishes a marker and returns its text, which {@link #upTo} waits for. */
    String marker(UUID customer) {
        String marker = "marker-" + UUID.randomUUID();
        live.publish(customer, "test.marker", Map.of("marker", marker));
        return marker;
    }

    /**
     * @return the events before the marker (the marker left out)
     */
    static List<SseClient.Event> upTo(SseClient client, String marker) throws InterruptedException {
        List<SseClient.Event> events = client.until(event -> event.data() != null && event.data().contains(marker),
                WAIT);
        return events.subList(0, events.size() - 1);
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
            String endA = marker(a);
            String endB = marker(b);
            String endPlatform = marker(null);

            List<SseClient.Event> seenByA = upTo(viewerA, endA);
            assertThat(seenByA).extracting(SseClient.Event::event).containsExactly("test.a");
            assertThat(seenByA.getFirst().id()).matches("\\d+");
            assertThat(JsonPath.<Integer>read(seenByA.getFirst().data(), "$.n")).isEqualTo(1);
            assertThat(upTo(viewerB, endB)).extracting(SseClient.Event::event).containsExactly("test.b");
            assertThat(ofRun(upTo(adminAll, endPlatform), run)).extracting(SseClient.Event::event)
                .containsExactly("test.a", "test.b", "test.platform");
            assertThat(upTo(adminForA, endA)).extracting(SseClient.Event::event).containsExactly("test.a");
        }
    }

    /*
     * Failed in CI before the fix: the first stream received "test.before", published
     * before it connected, because the listener delivered it after the stream had
     * registered.
     */
    @Test
    void reconnectWithLastEventIdDeliversWhatWasMissedBeforeLiveEvents() throws Exception {
        UUID customer = UUID.randomUUID();
        live.publish(customer, "test.before", Map.of("n", 1));
        String lastId;
        try (SseClient first = stream(viewer(customer), "", Map.of())) {
            live.publish(customer, "test.seen", Map.of("n", 2));
            List<SseClient.Event> seen = first.until(event -> "test.seen".equals(event.event()), WAIT);
            assertThat(seen).extracting(SseClient.Event::event).containsExactly("test.seen");
            lastId = seen.getFirst().id();
        }
        live.publish(customer, "test.missed", Map.of("n", 3));
        live.publish(customer, "test.missed", Map.of("n", 4));
        try (SseClient again = stream(viewer(customer), "", Map.of("Last-Event-ID", lastId))) {
            live.publish(customer, "test.live", Map.of("n", 5));
            String end = marker(customer);
            List<SseClient.Event> events = upTo(again, end);
            assertThat(events).extracting(event -> JsonPath.<Integer>read(event.data(), "$.n"))
                .containsExactly(3, 4, 5);
            assertThat(events).extracting(SseClient.Event::event)
                .containsExactly("test.missed", "test.missed", "test.live");
            assertThat(Long.parseLong(events.get(0).id())).isGreaterThan(Long.parseLong(lastId));
        }
    }

    /*
     * The race of the CI failure made deterministic: the listener hands the stream an
     * event that had committed before the stream started (as a listener that is a poll
     * behind does).
     */
    @Test
    void eventCommittedBeforeTheStreamStartedIsNotSentAsLiveEvenWhenTheListenerDeliversItLate() throws Exception {
        UUID customer = UUID.randomUUID();
        live.publish(customer, "test.before", Map.of("n", 1));
        LiveEvent before = repository.after(0, Duration.ofMinutes(10), Visibility.customer(customer), null, 10)
            .getFirst();
        try (SseClient client = stream(viewer(customer), "", Map.of())) {
            hub.dispatch(List.of(before));
            String end = marker(customer);
            assertThat(upTo(client, end)).isEmpty();
        }
    }

    /*
     * Ids come from a sequence before commit: an event with a lower id that commits after
     * the stream started is live for it, one with a higher id that committed before is
     * not.
     */
    @Test
    void streamGetsWhatCommitsAfterItStartedWhateverTheIdsOrder() throws Exception {
        UUID customer = UUID.randomUUID();
        CountDownLatch published = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        // Its own thread: the common pool has one thread on two cores, and the HTTP
        // client needs it.
        CompletableFuture<Void> slow = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                transactions.executeWithoutResult(status -> {
                    live.publish(customer, "test.slow", Map.of("n", 1));
                    published.countDown();
                    await(commit);
                });
                slow.complete(null);
            }
            catch (RuntimeException | AssertionError ex) {
                slow.completeExceptionally(ex);
            }
        });
        try {
            await(published);
            live.publish(customer, "test.fast", Map.of("n", 2));
            try (SseClient client = stream(viewer(customer), "", Map.of())) {
                commit.countDown();
                slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                String end = marker(customer);
                assertThat(upTo(client, end)).extracting(SseClient.Event::event).containsExactly("test.slow");
            }
        }
        finally {
            commit.countDown();
        }
        List<Long> ids = jdbc.sql("""
                SELECT id FROM live_event WHERE customer_id = :c AND type IN ('test.slow', 'test.fast')
                ORDER BY type DESC""").param("c", customer).query(Long.class).list();
        assertThat(ids.get(0)).as("test.slow has the lower id").isLessThan(ids.get(1));
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
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
            assertThat(client.until(event -> "test.committed".equals(event.event()), WAIT))
                .extracting(SseClient.Event::event)
                .containsExactly("test.committed");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM live_event WHERE customer_id = :c")
            .param("c", customer)
            .query(Long.class)
            .single()).isEqualTo(1);
    }

    @Test
    void deviceComingOnlineIsStreamedOnceAsDeviceOnlineToItsCustomer() throws Exception {
        UUID customer = UUID.randomUUID();
        UUID strangerCustomer = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        try (SseClient client = stream(viewer(customer), "", Map.of());
                SseClient stranger = stream(viewer(strangerCustomer), "", Map.of())) {
            assertThat(Devices
                .post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat", Devices.heartbeat(10, 1))
                .statusCode()).isEqualTo(202);
            buffer.flush();
            SseClient.Event online = client.next(WAIT);
            assertThat(online).isNotNull();
            assertThat(online.event()).isEqualTo("device.online");
            assertThat(JsonPath.<String>read(online.data(), "$.deviceId")).isEqualTo(device.toString());
            assertThat(JsonPath.<String>read(online.data(), "$.customerId")).isEqualTo(customer.toString());
            assertThat(JsonPath.<String>read(online.data(), "$.to")).isEqualTo("ONLINE");
            assertThat(JsonPath.<String>read(online.data(), "$.at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            maintenance.publishConnectivity();
            assertThat(upTo(client, marker(customer))).isEmpty();
            assertThat(ofRun(upTo(stranger, marker(strangerCustomer)), device.toString())).isEmpty();
        }
        assertThat(jdbc.sql("SELECT count(*) FROM live_event WHERE data->>'deviceId' = :d")
            .param("d", device.toString())
            .query(Long.class)
            .single()).isEqualTo(1);
    }

    @Test
    void quietStreamGetsKeepAliveComments() throws Exception {
        try (SseClient client = stream(viewer(UUID.randomUUID()), "", Map.of())) {
            SseClient.Event first = client.nextIncludingComments(WAIT);
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
    void streamsOfADeactivatedCustomerEndAndItsUsersCannotReconnectWhileOthersStayOpen() throws Exception {
        UUID deactivated = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        String token = viewer(deactivated);
        try (SseClient doomed = stream(token, "", Map.of());
                SseClient alsoDoomed = stream(TestJwtIssuer.token("operator-" + deactivated, deactivated, "operator"),
                        "", Map.of());
                SseClient stays = stream(viewer(other), "", Map.of());
                SseClient adminForIt = stream(admin(), "?customerId=" + deactivated, Map.of())) {
            TestCustomers.deactivate(deactivated);

            for (SseClient client : List.of(doomed, alsoDoomed)) {
                List<SseClient.Event> last = client.until(event -> "stream.closed".equals(event.event()), WAIT);
                assertThat(JsonPath.<String>read(last.getLast().data(), "$.reason")).isEqualTo("CUSTOMER_DEACTIVATED");
                assertThat(client.awaitEnd(WAIT)).as("the server ended the stream").isTrue();
            }
            assertProblem(ServiceSmokeChecks.send("GET", streamUrl(), null, null, token), 403, "CUSTOMER_DEACTIVATED");
            // Another customer's stream, and a platform admin's view of this customer, go
            // on.
            assertThat(upTo(stays, marker(other))).isEmpty();
            live.publish(deactivated, "test.after", Map.of("n", 1));
            assertThat(upTo(adminForIt, marker(deactivated))).extracting(SseClient.Event::event)
                .containsExactly("test.after");
            assertThat(stays.awaitEnd(Duration.ZERO)).isFalse();
        }
    }

    @Test
    void streamEndsWhenTheTokenThatOpenedItExpires() throws Exception {
        UUID customer = UUID.randomUUID();
        // exp is in whole seconds: the token lives between 4 and 5 s from here.
        Instant expiry = Instant.now().plusSeconds(5);
        String token = TestJwtIssuer.tokenExpiringAt("short-" + customer, customer, expiry, "viewer");
        long opened = System.nanoTime();
        try (SseClient client = stream(token, "", Map.of())) {
            List<SseClient.Event> last = client.until(event -> "stream.closed".equals(event.event()), WAIT);
            assertThat(JsonPath.<String>read(last.getLast().data(), "$.reason")).isEqualTo("TOKEN_EXPIRED");
            assertThat(client.awaitEnd(WAIT)).as("the stream ended with its token").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aUserHoldsAtMostFiveStreamsAndASixthReplacesTheOldest() throws Exception {
        UUID customer = UUID.randomUUID();
        String token = viewer(customer);
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                open.add(stream(token, "", Map.of()));
            }
            SseClient oldest = open.getFirst();
            // A reload: the sixth is served, and the oldest (whose tab may be gone) is
            // told why it ends.
            SseClient sixth = stream(token, "", Map.of());
            open.add(sixth);
            assertThat(sixth.response().statusCode()).isEqualTo(200);
            List<SseClient.Event> last = oldest.until(event -> "stream.closed".equals(event.event()), WAIT);
            assertThat(JsonPath.<String>read(last.getLast().data(), "$.reason")).isEqualTo("REPLACED");
            assertThat(oldest.awaitEnd(WAIT)).as("the server ended the oldest stream").isTrue();
            // Still five: the others get events, and the next one replaces the next
            // oldest.
            SseClient secondOldest = open.get(1);
            open.add(stream(token, "", Map.of()));
            List<SseClient.Event> next = secondOldest.until(event -> "stream.closed".equals(event.event()), WAIT);
            assertThat(JsonPath.<String>read(next.getLast().data(), "$.reason")).isEqualTo("REPLACED");
            for (SseClient survivor : open.subList(2, open.size())) {
                assertThat(survivor.awaitEnd(Duration.ofMillis(200))).as("a newer stream stays open").isFalse();
            }
            // Another user of the same customer is not affected.
            try (SseClient colleague = stream(TestJwtIssuer.token("colleague-" + customer, customer, "viewer"), "",
                    Map.of())) {
                assertThat(colleague.nextIncludingComments(WAIT)).isNotNull();
            }
        }
        finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void streamIsRefusedWithProblemsWithoutTokenForAnotherCustomerAndWithoutCustomer() {
        String url = streamUrl();
        assertThat(ServiceSmokeChecks.send("GET", url, null, null, null).statusCode()).isEqualTo(401);
        UUID own = UUID.randomUUID();
        assertProblem(ServiceSmokeChecks.send("GET", url + "?customerId=" + UUID.randomUUID(), null, null, viewer(own)),
                404, "NOT_FOUND");
        assertProblem(ServiceSmokeChecks.send("GET", url, null, null, TestJwtIssuer.token("nobody", null, "viewer")),
                403, "NO_CUSTOMER");
    }

    @Test
    void eventsOlderThanTheReplayWindowArePruned() {
        UUID customer = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO live_event (customer_id, type, data, created_at)
                VALUES (:c, 'test.old', '{}', now() - interval '11 minutes'), (:c, 'test.new', '{}', now())""")
            .param("c", customer)
            .update();
        maintenance.prune();
        assertThat(jdbc.sql("SELECT type FROM live_event WHERE customer_id = :c")
            .param("c", customer)
            .query(String.class)
            .list()).containsExactly("test.new");
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
