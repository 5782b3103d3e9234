package dev.edp.monitoring.ingest;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.platform.device.DeviceProof;
import dev.edp.test.device.TestE3;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * E3's heartbeat batches: each heartbeat is taken exactly when the heartbeat path would
 * take it, anything else is handed back for E3 to send alone, and only E3's proof over
 * the batch's own body opens the path.
 */
@MonitoringTest
class HeartbeatBatchIntegrationTests extends MonitoringIntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    final UUID customer = UUID.randomUUID();

    /** One heartbeat of a batch as E3 makes it for the device. */
    Map<String, String> item(UUID device, String body) {
        Map<String, String> headers = Devices.headers(device, customer, "POST", HeartbeatBatches.HEARTBEAT_PATH);
        return Map.of("credential", headers.get(DeviceProof.CREDENTIAL_HEADER), "proof",
                headers.get(DeviceProof.HEADER), "body",
                Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
    }

    HttpResponse<String> send(byte[] body, String proof, String query) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + HeartbeatBatches.PATH + "?" + query,
                "application/json", new String(body, StandardCharsets.UTF_8), null,
                proof == null ? Map.of() : Map.of(DeviceProof.HEADER, proof));
    }

    /** A batch with E3's proof over its body. */
    HttpResponse<String> sendAsE3(List<Map<String, String>> items) {
        byte[] body = JSON.writeValueAsBytes(Map.of("heartbeats", items));
        String query = DeviceProof.bodyQuery(body);
        return send(body, Devices.E3.proof(null, "monitoring", "POST", HeartbeatBatches.PATH, query, "0.0.0.0"), query);
    }

    long statusRows(UUID device) {
        return count("SELECT count(*) FROM device_status WHERE device_id = :id", "id", device);
    }

    @Test
    void eachHeartbeatIsTakenOrHandedBackAloneAndOnlyTheTakenOnesAreWritten() {
        UUID good = UUID.randomUUID();
        UUID alsoGood = UUID.randomUUID();
        UUID invalid = UUID.randomUUID();
        UUID withNul = UUID.randomUUID();
        UUID malformed = UUID.randomUUID();
        UUID forged = UUID.randomUUID();
        UUID otherPath = UUID.randomUUID();
        Map<String, String> forgedItem = new HashMap<>(item(forged, Devices.heartbeat(1, 1)));
        forgedItem.put("proof", Devices.E3.forgedProof(forgedItem.get("credential"), "monitoring", "POST",
                HeartbeatBatches.HEARTBEAT_PATH, null, "127.0.0.1"));
        Map<String, String> otherPathItem = new HashMap<>(item(otherPath, Devices.heartbeat(1, 1)));
        Map<String, String> containerHeaders = Devices.headers(otherPath, customer, "POST",
                "/monitoring/api/v1/monitoring/container");
        otherPathItem.put("credential", containerHeaders.get(DeviceProof.CREDENTIAL_HEADER));
        otherPathItem.put("proof", containerHeaders.get(DeviceProof.HEADER));

        HttpResponse<String> response = sendAsE3(List.of(item(good, Devices.heartbeat(3600, 12_000_000_000L)),
                item(invalid, Devices.heartbeat(1, 99_000_000_000L)),
                item(withNul, Devices.heartbeat(1, 1).replace("1.4.2", "1.4.2\\u0000")),
                item(malformed, "{\"uptimeSeconds\":"), forgedItem, otherPathItem,
                item(alsoGood, Devices.heartbeat(7, 1))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("results").valueStream().map(node -> node.asString()).toList())
            .containsExactly("ACCEPTED", "RESEND", "RESEND", "RESEND", "RESEND", "RESEND", "ACCEPTED");
        buffer.flush();
        assertThat(jdbc.sql("SELECT uptime_seconds FROM device_status WHERE device_id = :id")
            .param("id", good)
            .query(Long.class)
            .single()).isEqualTo(3600L);
        assertThat(statusRows(alsoGood)).isOne();
        for (UUID refused : List.of(invalid, withNul, malformed, forged, otherPath)) {
            assertThat(statusRows(refused)).as("nothing kept of %s", refused).isZero();
        }
    }

    @Test
    void aBatchWithoutE3sProofOverItsBodyIsRefusedAndWritesNothing() {
        UUID device = UUID.randomUUID();
        byte[] body = JSON.writeValueAsBytes(Map.of("heartbeats", List.of(item(device, Devices.heartbeat(1, 1)))));
        String query = DeviceProof.bodyQuery(body);
        TestE3 e3 = Devices.E3;

        ServiceSmokeChecks.assertProblem(send(body, null, query), 401, "UNAUTHORIZED");
        ServiceSmokeChecks.assertProblem(
                send(body, e3.forgedProof(null, "monitoring", "POST", HeartbeatBatches.PATH, query, "0.0.0.0"), query),
                401, "UNAUTHORIZED");
        // E3's proof for another body: the digest in the query does not match this one.
        byte[] other = JSON.writeValueAsBytes(Map.of("heartbeats", List.of()));
        String otherQuery = DeviceProof.bodyQuery(other);
        ServiceSmokeChecks.assertProblem(send(body,
                e3.proof(null, "monitoring", "POST", HeartbeatBatches.PATH, otherQuery, "0.0.0.0"), otherQuery), 401,
                "UNAUTHORIZED");
        // A device's own proof (with its credential) is not E3's proof for a batch.
        Map<String, String> deviceHeaders = Devices.headers(device, customer, "POST", HeartbeatBatches.PATH);
        ServiceSmokeChecks.assertProblem(send(body, deviceHeaders.get(DeviceProof.HEADER), query), 401, "UNAUTHORIZED");

        buffer.flush();
        assertThat(statusRows(device)).isZero();
    }

    @Test
    void aBatchThatIsNoBatchIsAProblem() {
        ServiceSmokeChecks.assertProblem(sendRaw("{\"heartbeats\":7}"), 400, "MALFORMED_REQUEST_BODY");
        ServiceSmokeChecks.assertProblem(sendRaw("[]"), 400, "MALFORMED_REQUEST_BODY");
        ServiceSmokeChecks.assertProblem(sendRaw("null"), 400, "MALFORMED_REQUEST_BODY");
        Map<String, String> item = item(UUID.randomUUID(), Devices.heartbeat(1, 1));
        ServiceSmokeChecks.assertProblem(sendAsE3(Collections.nCopies(HeartbeatBatches.MAX_ITEMS + 1, item)), 400,
                "MALFORMED_REQUEST_BODY");
    }

    HttpResponse<String> sendRaw(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String query = DeviceProof.bodyQuery(body);
        return send(body, Devices.E3.proof(null, "monitoring", "POST", HeartbeatBatches.PATH, query, "0.0.0.0"), query);
    }

}
