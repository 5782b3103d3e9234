package dev.edp.monitoring.connectivity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay against a real HTTP server standing in for device-management, found through the
 * (simple) discovery client as the registry would find it: the first call is refused with 503,
 * later ones accepted with 204.
 */
@MonitoringTest
class ConnectivityRelayIntegrationTests {

    static final StubBackend deviceManagement = StubBackend.start().script(ConnectivityRelay.PATH,
            new Answer(503, "application/problem+json", "{\"status\":503}", 0), new Answer(204, null, null, 0));

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.enabled", () -> "true");
        registry.add("spring.cloud.discovery.client.simple.instances.device-management[0].uri", deviceManagement::url);
        registry.add("edp.monitoring.connectivity-relay.interval", () -> "200ms");
    }

    @AfterAll
    static void stop() {
        deviceManagement.close();
    }

    @Autowired
    JdbcClient jdbc;

    @Test
    void eventsAreKeptWhileDeviceManagementRefusesThemAndRelayedInOrderedBatchesOnceItAccepts() throws Exception {
        UUID customer = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID last = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO connectivity_event (device_id, customer_id, from_state, to_state, at)
                SELECT CASE WHEN n = 1 THEN :first WHEN n = 1001 THEN :last ELSE gen_random_uuid() END, :customer,
                       'ONLINE', 'OFFLINE', '2026-11-23T10:00:00Z'::timestamptz + n * interval '1 millisecond'
                FROM generate_series(1, 1001) n""")
                .param("first", first).param("last", last).param("customer", customer).update();

        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(pending()).isZero();

        List<StubBackend.Received> calls = deviceManagement.received();
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

        for (StubBackend.Received call : calls) {
            assertThat(call.method()).isEqualTo("POST");
            assertThat(call.header("Content-Type")).startsWith("application/json");
            String authorization = call.header("Authorization");
            assertThat(authorization).startsWith("Bearer ");
            String claims = new String(Base64.getUrlDecoder().decode(authorization.substring(7).split("\\.")[1]),
                    StandardCharsets.UTF_8);
            assertThat(claims).contains("platform-service");
        }
    }

    long pending() {
        return jdbc.sql("SELECT count(*) FROM connectivity_event WHERE relayed_at IS NULL").query(Long.class).single();
    }
}
