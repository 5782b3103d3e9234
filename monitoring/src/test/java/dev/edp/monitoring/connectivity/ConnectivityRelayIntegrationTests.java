package dev.edp.monitoring.connectivity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpServer;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.monitoring.support.TestHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay against a real HTTP server standing in for device-management, found through
 * the (simple) discovery client as the registry would find it. Each test tells the server
 * how to answer a request body and reads the calls that carry its own customer.
 */
@MonitoringTest
class ConnectivityRelayIntegrationTests extends MonitoringIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** A call as received. */
    record Call(Map<String, List<String>> headers, String body) {

        String header(String name) {
            return TestHeaders.first(headers, name);
        }
    }

    static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    static volatile ToIntFunction<String> answer = body -> 204;
    static final HttpServer DEVICE_MANAGEMENT;

    static {
        try {
            DEVICE_MANAGEMENT = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        DEVICE_MANAGEMENT.createContext(ConnectivityRelay.PATH, exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            CALLS.add(new Call(Map.copyOf(exchange.getRequestHeaders()), body));
            exchange.sendResponseHeaders(answer.applyAsInt(body), -1);
            exchange.close();
        });
        DEVICE_MANAGEMENT.start();
    }

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.enabled", () -> "true");
        registry.add("spring.cloud.discovery.client.simple.instances.device-management[0].uri",
                () -> "http://127.0.0.1:" + DEVICE_MANAGEMENT.getAddress().getPort());
        registry.add("edp.monitoring.connectivity-relay.interval", () -> "200ms");
    }

    @AfterAll
    static void stop() {
        DEVICE_MANAGEMENT.stop(0);
    }

    @Autowired
    MeterRegistry meters;

    static List<Call> callsOf(UUID customer) {
        return CALLS.stream().filter(call -> call.body().contains(customer.toString())).toList();
    }

    @Test
    void eventsAreKeptWhileDeviceManagementRefusesThemAndRelayedInOrderedBatchesOnceItAccepts() throws Exception {
        UUID customer = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID last = UUID.randomUUID();
        // The first call of this test is refused as by a device-management that is down,
        // the rest accepted.
        boolean[] refusedOnce = { false };
        answer = body -> {
            if (body.contains(customer.toString()) && !refusedOnce[0]) {
                refusedOnce[0] = true;
                return 503;
            }
            return 204;
        };
        jdbc.sql("""
                INSERT INTO connectivity_event (device_id, customer_id, from_state, to_state, at)
                SELECT CASE WHEN n = 1 THEN :first WHEN n = 1001 THEN :last ELSE gen_random_uuid() END, :customer,
                       'ONLINE', 'OFFLINE', '2026-11-23T10:00:00Z'::timestamptz + n * interval '1 millisecond'
                FROM generate_series(1, 1001) n""")
            .param("first", first)
            .param("last", last)
            .param("customer", customer)
            .update();

        awaitNonePending();

        List<Call> calls = callsOf(customer);
        assertThat(calls).hasSize(3);
        // The refused batch was kept and sent again, unchanged; then the rest.
        assertThat(calls.get(1).body()).isEqualTo(calls.get(0).body());
        assertThat(calls).extracting(call -> JsonPath.<Integer>read(call.body(), "$.events.length()"))
            .containsExactly(1000, 1000, 1);
        String body = calls.get(1).body();
        assertThat(JsonPath.<String>read(body, "$.events[0].deviceId")).isEqualTo(first.toString());
        assertThat(JsonPath.<String>read(body, "$.events[0].customerId")).isEqualTo(customer.toString());
        assertThat(JsonPath.<Boolean>read(body, "$.events[0].online")).isFalse();
        assertThat(Instant.parse(JsonPath.read(body, "$.events[0].at")))
            .isEqualTo(Instant.parse("2026-11-23T10:00:00.001Z"));
        assertThat(JsonPath.<String>read(calls.get(2).body(), "$.events[0].deviceId")).isEqualTo(last.toString());

        for (Call call : calls) {
            assertThat(call.header("Content-Type")).startsWith("application/json");
            String authorization = call.header("Authorization");
            assertThat(authorization).startsWith("Bearer ");
            String claims = new String(Base64.getUrlDecoder().decode(authorization.substring(7).split("\\.")[1]),
                    StandardCharsets.UTF_8);
            assertThat(claims).contains("platform-service");
        }
    }

    /*
     * Before: a batch device-management refuses for its content was retried as a whole
     * forever (with backoff), so one bad row stopped every connectivity change from
     * reaching it.
     */
    @Test
    void aRowDeviceManagementRefusesIsSetAsideAloneAndTheOthersAreRelayed() throws Exception {
        UUID customer = UUID.randomUUID();
        UUID bad = UUID.randomUUID();
        answer = body -> body.contains(bad.toString()) ? 400 : 204;
        double refusedBefore = meters
            .counter("edp.monitoring.rejected.reports", "kind", "connectivity_relay", "reason",
                    "refused_by_device_management")
            .count();
        jdbc.sql("""
                INSERT INTO connectivity_event (device_id, customer_id, from_state, to_state, at)
                SELECT CASE WHEN n = 3 THEN :bad ELSE gen_random_uuid() END, :customer, 'ONLINE', 'OFFLINE',
                       '2026-11-23T10:00:00Z'::timestamptz + n * interval '1 millisecond'
                FROM generate_series(1, 7) n""").param("bad", bad).param("customer", customer).update();

        awaitNonePending();

        List<String> accepted = callsOf(customer).stream()
            .filter(call -> !call.body().contains(bad.toString()))
            .flatMap(call -> JsonPath.<List<String>>read(call.body(), "$.events[*].deviceId").stream())
            .toList();
        assertThat(accepted).hasSize(6).doesNotContain(bad.toString()).doesNotHaveDuplicates();
        assertThat(meters
            .counter("edp.monitoring.rejected.reports", "kind", "connectivity_relay", "reason",
                    "refused_by_device_management")
            .count()).isEqualTo(refusedBefore + 1);
        // Bisected: 7 → 3 + 4 → 1 + 2 → … about twice the rows, not one call per row for
        // the good halves.
        assertThat(callsOf(customer).size()).isLessThanOrEqualTo(8);
    }

    void awaitNonePending() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(pending()).isZero();
    }

    long pending() {
        return jdbc.sql("SELECT count(*) FROM connectivity_event WHERE relayed_at IS NULL").query(Long.class).single();
    }

}
