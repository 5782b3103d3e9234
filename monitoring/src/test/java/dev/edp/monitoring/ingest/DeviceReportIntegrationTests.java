package dev.edp.monitoring.ingest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeats and container reports from devices: validated, accepted with 202, written in
 * batches.
 */
@MonitoringTest
class DeviceReportIntegrationTests extends MonitoringIntegrationTest {

    static final String HEARTBEAT = "/monitoring/api/v1/heartbeat";
    static final String CONTAINERS = "/monitoring/api/v1/monitoring/container";

    @Autowired
    DataSource dataSource;

    final UUID customer = UUID.randomUUID();

    HttpResponse<String> post(UUID device, String path, String json) {
        return Devices.post(checks.baseUrl(), device, customer, path, json);
    }

    @Test
    void heartbeatIsAcceptedAtOnceAndWrittenByTheNextFlush() {
        UUID device = UUID.randomUUID();
        HttpResponse<String> response = post(device, HEARTBEAT, Devices.heartbeat(3600, 12_000_000_000L));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

        buffer.flush();

        Map<String, Object> row = jdbc.sql("SELECT * FROM device_status WHERE device_id = :id")
            .param("id", device)
            .query()
            .singleRow();
        assertThat(row).containsEntry("customer_id", customer)
            .containsEntry("connectivity", "ONLINE")
            .containsEntry("uptime_seconds", 3600L)
            .containsEntry("agent_version", "1.4.2")
            .containsEntry("os_version", "EdgeOS 12.3")
            .containsEntry("container_disk_used", 12_000_000_000L)
            .containsEntry("container_disk_total", 35_000_000_000L)
            .containsEntry("containers_running", 3)
            .containsEntry("containers_total", 4)
            .containsEntry("cpu_load", 37.5f);
        assertThat(count("SELECT count(*) FROM heartbeat_history WHERE device_id = :id", "id", device)).isEqualTo(1);
        assertThat(jdbc
            .sql("SELECT coalesce(from_state, '-') || '>' || to_state FROM connectivity_event WHERE device_id = :id")
            .param("id", device)
            .query(String.class)
            .list()).containsExactly("->ONLINE");
    }

    @Test
    void textWithNulIsRefusedSoItCannotFailTheFlushOfEveryDevice() {
        // Found by DeviceReportFuzzTests: PostgreSQL text cannot hold NUL, and one such
        // report in a batch made every flush fail (and be retried) for all devices, while
        // the device was told 202.
        UUID bad = UUID.randomUUID();
        UUID good = UUID.randomUUID();
        ServiceSmokeChecks.assertProblem(post(bad, HEARTBEAT, Devices.heartbeat(1, 1).replace("1.4.2", "1.4.2\\u0000")),
                400, "INVALID_TEXT");
        ServiceSmokeChecks.assertProblem(
                post(bad, CONTAINERS, "{\"containers\":[{\"name\":\"plc\\u0000\",\"state\":\"ready\"}]}"), 400,
                "INVALID_TEXT");
        ServiceSmokeChecks.assertProblem(
                post(bad, CONTAINERS,
                        "{\"containers\":[{\"name\":\"plc\",\"state\":\"ready\",\"message\":\"a\\u0000\"}]}"),
                400, "INVALID_TEXT");
        assertThat(post(good, HEARTBEAT, Devices.heartbeat(2, 1)).statusCode()).isEqualTo(202);

        buffer.flush();

        assertThat(jdbc.sql("SELECT count(*) FROM device_status WHERE device_id IN (:good, :bad)")
            .param("good", good)
            .param("bad", bad)
            .query(Long.class)
            .single()).isEqualTo(1);
    }

    @Test
    void heartbeatsWithinOneIntervalCostOneStatusRowAndAtMostOneHistoryRowPerMinute() {
        UUID device = UUID.randomUUID();
        for (int i = 1; i <= 5; i++) {
            assertThat(post(device, HEARTBEAT, Devices.heartbeat(i, 1)).statusCode()).isEqualTo(202);
        }
        buffer.flush();
        for (int i = 6; i <= 8; i++) {
            assertThat(post(device, HEARTBEAT, Devices.heartbeat(i, 1)).statusCode()).isEqualTo(202);
        }
        buffer.flush();

        assertThat(count("SELECT uptime_seconds FROM device_status WHERE device_id = :id", "id", device)).isEqualTo(8);
        // One history bucket per minute; the test may straddle a minute boundary.
        assertThat(count("SELECT count(*) FROM heartbeat_history WHERE device_id = :id", "id", device)).isBetween(1L,
                2L);
    }

    @Test
    void invalidHeartbeatIsAProblemAndWritesNothing() {
        UUID device = UUID.randomUUID();
        for (String body : List.of("{}", Devices.heartbeat(-1, 1), Devices.heartbeat(1, 40_000_000_000L),
                Devices.heartbeat(1, 1).replace("37.5", "150"),
                Devices.heartbeat(1, 1).replace("\"running\":3", "\"running\":9"))) {
            ServiceSmokeChecks.assertProblem(post(device, HEARTBEAT, body), 400, "VALIDATION_FAILED");
        }
        ServiceSmokeChecks.assertProblem(post(device, HEARTBEAT, "{not json"), 400, "MALFORMED_REQUEST_BODY");
        buffer.flush();
        assertThat(count("SELECT count(*) FROM device_status WHERE device_id = :id", "id", device)).isZero();
    }

    @Test
    void heartbeatWithoutOrWithAForeignAssertionIsRefused() {
        HttpResponse<String> none = ServiceSmokeChecks.send("POST", checks.baseUrl() + HEARTBEAT, "application/json",
                Devices.heartbeat(1, 1));
        ServiceSmokeChecks.assertProblem(none, 401, "DEVICE_ASSERTION_INVALID");
        HttpResponse<String> otherPath = ServiceSmokeChecks.send("POST", checks.baseUrl() + HEARTBEAT,
                "application/json", Devices.heartbeat(1, 1), null,
                Devices.headers(UUID.randomUUID(), customer, "POST", CONTAINERS));
        ServiceSmokeChecks.assertProblem(otherPath, 401, "DEVICE_ASSERTION_INVALID");
    }

    @Test
    void anEmptyObjectChangesNothingButNoBodyAtAllIsMalformed() {
        assertThat(post(UUID.randomUUID(), CONTAINERS, "{}").statusCode()).isEqualTo(202);
        ServiceSmokeChecks.assertProblem(post(UUID.randomUUID(), CONTAINERS, ""), 400, "MALFORMED_REQUEST_BODY");
    }

    @Test
    void containerReportReplacesTheDevicesPreviousOne() {
        UUID device = UUID.randomUUID();
        assertThat(post(device, CONTAINERS,
                """
                        {"containers":[{"name":"opcua","image":"reg.example/opcua:1.2","state":"ready"},
                                       {"name":"mqtt","image":"reg.example/mqtt:2","state":"not ready","message":"probe failed"}]}
                        """)
            .statusCode()).isEqualTo(202);
        buffer.flush();
        assertThat(states(device)).containsExactly("mqtt=not ready", "opcua=ready");

        assertThat(post(device, CONTAINERS, """
                {"containers":[{"name":"opcua","image":"reg.example/opcua:1.3","state":"reconciliation failed"}]}
                """).statusCode()).isEqualTo(202);
        buffer.flush();
        assertThat(states(device)).containsExactly("opcua=reconciliation failed");
    }

    @Test
    void containerReportWithAnUnknownStateOrDuplicateNamesIsAProblem() {
        ServiceSmokeChecks.assertProblem(
                post(UUID.randomUUID(), CONTAINERS, "{\"containers\":[{\"name\":\"a\",\"state\":\"running\"}]}"), 400,
                "VALIDATION_FAILED");
        ServiceSmokeChecks.assertProblem(
                post(UUID.randomUUID(), CONTAINERS,
                        "{\"containers\":[{\"name\":\"a\",\"state\":\"ready\"},{\"name\":\"a\",\"state\":\"ready\"}]}"),
                400, "VALIDATION_FAILED");
    }

    @Test
    void metricsCountHeartbeatsAndFlushes() {
        post(UUID.randomUUID(), HEARTBEAT, Devices.heartbeat(1, 1));
        buffer.flush();
        String metrics = ServiceSmokeChecks.send("GET", checks.managementUrl() + "/actuator/prometheus", null, null)
            .body();
        assertThat(metrics).contains("edp_heartbeats_received_total", "edp_devices_online{", "edp_devices_offline{",
                "edp_monitoring_flush_batch_size_count", "edp_monitoring_flush_duration_seconds_count",
                "edp_monitoring_rows_written_total{", "table=\"heartbeat_history\"");
    }

    @Test
    void flushesUseMultiRowInsertsFromJdbcBatches() {
        assertThat(((HikariDataSource) dataSource).getDataSourceProperties()).containsEntry("reWriteBatchedInserts",
                "true");
    }

    List<String> states(UUID device) {
        return jdbc.sql("SELECT name || '=' || state FROM container_status WHERE device_id = :id ORDER BY name")
            .param("id", device)
            .query(String.class)
            .list();
    }

}
