package dev.edp.monitoring.status;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Online/offline from heartbeats (test profile: offline after 3 s, sweep every 300 ms).
 */
@MonitoringTest
class ConnectivityIntegrationTests extends MonitoringIntegrationTest {

    @Autowired
    TransactionTemplate transactions;

    @Test
    void deviceGoesOfflineWithoutHeartbeatsAndComesBackOnTheNextOne() throws Exception {
        UUID customer = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        UUID neighbour = UUID.randomUUID();
        heartbeat(device, customer);
        heartbeat(neighbour, customer);
        buffer.flush();
        assertThat(connectivity(device)).isEqualTo("ONLINE");

        // The neighbour keeps sending; the device falls silent.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"OFFLINE".equals(connectivity(device)) && System.nanoTime() < deadline) {
            heartbeat(neighbour, customer);
            Thread.sleep(250);
        }
        assertThat(connectivity(device)).isEqualTo("OFFLINE");
        assertThat(connectivity(neighbour)).isEqualTo("ONLINE");

        heartbeat(device, customer);
        buffer.flush();
        assertThat(connectivity(device)).isEqualTo("ONLINE");
        assertThat(events(device)).containsExactly("->ONLINE", "ONLINE>OFFLINE", "OFFLINE>ONLINE");
        assertThat(events(neighbour)).containsExactly("->ONLINE");
        assertThat(jdbc.sql("SELECT DISTINCT customer_id FROM connectivity_event WHERE device_id = :id")
            .param("id", device)
            .query(UUID.class)
            .list()).containsExactly(customer);
    }

    @Test
    void sweepUsesThePartialIndexOnOnlineDevices() {
        String plan = transactions.execute(status -> {
            // The test table is tiny; forbid the sequential scan the planner would
            // rightly prefer.
            jdbc.sql("SET LOCAL enable_seqscan = off").update();
            return String.join("\n", jdbc.sql("""
                    EXPLAIN UPDATE device_status SET connectivity = 'OFFLINE'
                    WHERE connectivity = 'ONLINE' AND last_seen < now()""").query(String.class).list());
        });
        assertThat(plan).contains("device_status_online_last_seen");
    }

    void heartbeat(UUID device, UUID customer) {
        assertThat(Devices
            .post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat", Devices.heartbeat(10, 1))
            .statusCode()).isEqualTo(202);
    }

    String connectivity(UUID device) {
        return jdbc.sql("SELECT connectivity FROM device_status WHERE device_id = :id")
            .param("id", device)
            .query(String.class)
            .single();
    }

    List<String> events(UUID device) {
        return jdbc.sql("""
                SELECT coalesce(from_state, '-') || '>' || to_state FROM connectivity_event
                WHERE device_id = :id ORDER BY id""").param("id", device).query(String.class).list();
    }

}
