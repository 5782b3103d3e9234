package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.http.StubBackend;
import dev.edp.test.security.TestJwtIssuer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deployment failures and recoveries reach monitoring through the outbox, also after
 * monitoring was down.
 */
class DeviceEventRelayIntegrationTests extends AbstractApiIntegrationTests {

    static final String PATH = "/api/monitoring/v1/internal/device-events";

    @Autowired
    MeterRegistry meters;

    double pendingGauge() {
        return meters.get("edp.outbox.pending").tag("outbox", "device-events").gauge().value();
    }

    double deadCounter() {
        return meters.get("edp.outbox.dead").tag("outbox", "device-events").counter().count();
    }

    static String report(String state, String message) {
        return """
                {"agentVersion":"1.0","osVersion":"Debian 13","containers":[
                  {"name":"web","image":"registry.example.com/edp/web:1","state":"ready"},
                  {"name":"db","image":"registry.example.com/edp/db:1","state":"%s","message":"%s"}]}"""
            .formatted(state, message);
    }

    List<StubBackend.Received> eventsFor(UUID device, String type) {
        return TestBackends.MONITORING.received()
            .stream()
            .filter(r -> r.pathAndQuery().equals(PATH) && r.body().contains(device.toString())
                    && r.body().contains(type))
            .toList();
    }

    int outbox(UUID device) {
        return outbox(device, "count(*)", "TRUE", Integer.class);
    }

    /**
     * @param value what to select of the device's outbox rows, e.g. {@code count(*)} or
     * {@code attempts}
     * @param condition which of its rows
     */
    <T> T outbox(UUID device, String value, String condition, Class<T> type) {
        return jdbc.sql("SELECT " + value + " FROM device_event_outbox WHERE device_id = :id AND " + condition)
            .param("id", device)
            .query(type)
            .single();
    }

    @Test
    void aFailedDeploymentAndItsRecoveryReachMonitoringOnceEachWithTheServiceToken() {
        UUID device = api.enrollDevice(customer, "failing");
        HttpResponse<String> failed = TestDevices.reportState(checks.baseUrl(), device, customer,
                report("reconciliation failed", "image pull back-off"));
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(204);
        // Still failing: no second event.
        TestDevices.reportState(checks.baseUrl(), device, customer, report("reconciliation failed", "again"));

        await().atMost(Duration.ofSeconds(15))
            .untilAsserted(() -> assertThat(eventsFor(device, "DEPLOYMENT_FAILED")).hasSize(1));
        StubBackend.Received sent = eventsFor(device, "DEPLOYMENT_FAILED").getFirst();
        assertThat(sent.method()).isEqualTo("POST");
        // This service's own token: the test issuer's, role platform-service, no
        // customer.
        Jwt token = TestJwtIssuer.jwtDecoder().decode(sent.header("Authorization").substring("Bearer ".length()));
        assertThat(token.getClaimAsMap("realm_access").get("roles")).isEqualTo(List.of("platform-service"));
        assertThat(token.hasClaim("customer_id")).isFalse();
        String event = "$.events[?(@.deviceId == '" + device + "')]";
        assertThat(JsonPath.<List<String>>read(sent.body(), event + ".customerId"))
            .containsExactly(customer.toString());
        assertThat(JsonPath.<List<String>>read(sent.body(), event + ".detail").getFirst()).contains("db")
            .contains("image pull back-off");
        assertThat(JsonPath.<List<String>>read(sent.body(), event + ".at").getFirst()).endsWith("Z");

        TestDevices.reportState(checks.baseUrl(), device, customer, report("ready", ""));
        await().atMost(Duration.ofSeconds(15))
            .untilAsserted(() -> assertThat(eventsFor(device, "DEPLOYMENT_RECOVERED")).hasSize(1));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(outbox(device)).isZero());
        assertThat(eventsFor(device, "DEPLOYMENT_FAILED")).hasSize(1);
    }

    @Test
    void eventsStayInTheOutboxWhileMonitoringIsDownAndAreSentWhenItIsBack() {
        UUID device = api.enrollDevice(customer, "patient");
        TestBackends.MONITORING.script(PATH,
                new StubBackend.Answer(503, "application/problem+json", "{\"status\":503}", 0));
        try {
            TestDevices.reportState(checks.baseUrl(), device, customer,
                    report("reconciliation failed", "no space left"));
            await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(eventsFor(device, "DEPLOYMENT_FAILED")).isNotEmpty());
            await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(outbox(device, "attempts", "TRUE", Integer.class)).isGreaterThanOrEqualTo(1));
            assertThat(outbox(device, "last_error", "TRUE", String.class)).contains("503");
            // A 503 is not permanent: the row is pending, not dead, and the gauge counts
            // it.
            assertThat(outbox(device, "count(*)", "dead_at IS NULL", Integer.class)).isEqualTo(1);
            assertThat(pendingGauge()).isGreaterThanOrEqualTo(1);
        }
        finally {
            TestBackends.MONITORING.script(PATH, new StubBackend.Answer(204, null, null, 0));
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(outbox(device)).isZero());
        assertThat(eventsFor(device, "DEPLOYMENT_FAILED").size()).isGreaterThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(pendingGauge()).isZero());
    }

    @Test
    void aPermanentRefusalMarksTheRowDeadAfterOneAttemptAndItIsNeverSentAgain() throws InterruptedException {
        UUID device = api.enrollDevice(customer, "refused");
        // Nothing else in flight, so the counter moves by exactly this test's row.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pendingGauge()).isZero());
        double deadBefore = deadCounter();
        TestBackends.MONITORING.script(PATH,
                new StubBackend.Answer(404, "application/problem+json",
                        "{\"type\":\"https://edp.dev/problems/device-not-found\",\"title\":\"Device not found\","
                                + "\"status\":404,\"code\":\"DEVICE_NOT_FOUND\"}",
                        0));
        try {
            TestDevices.reportState(checks.baseUrl(), device, customer, report("reconciliation failed", "refused"));
            await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(outbox(device, "count(*)", "dead_at IS NOT NULL", Integer.class))
                    .isEqualTo(1));
            assertThat(outbox(device, "attempts", "TRUE", Integer.class)).isEqualTo(1);
            assertThat(outbox(device, "last_error", "TRUE", String.class)).contains("404").contains("DEVICE_NOT_FOUND");
            assertThat(deadCounter()).isEqualTo(deadBefore + 1);
            assertThat(pendingGauge()).isZero();
            int sent = eventsFor(device, "DEPLOYMENT_FAILED").size();
            assertThat(sent).isEqualTo(1);
            // Several relay passes (1 s) later it was not sent again, and it is still
            // there for an operator.
            Thread.sleep(2500);
            assertThat(eventsFor(device, "DEPLOYMENT_FAILED")).hasSize(sent);
            assertThat(outbox(device)).isEqualTo(1);
        }
        finally {
            TestBackends.MONITORING.script(PATH, new StubBackend.Answer(204, null, null, 0));
        }
    }

    @Test
    void aBatchRefusedForGoodIsSentAgainRowByRowSoOnlyTheRefusedRowDies() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pendingGauge()).isZero());
        UUID refused = UUID.randomUUID();
        UUID accepted = UUID.randomUUID();
        // Two rows, not yet due, then due in one statement: the relay claims them as one
        // batch.
        for (UUID device : List.of(refused, accepted)) {
            jdbc.sql("""
                    INSERT INTO device_event_outbox (device_id, customer_id, type, detail, at, next_attempt_at)
                    VALUES (:device, :customer, 'DEPLOYMENT_FAILED', 'test', now(), now() + interval '1 hour')
                    """).param("device", device).param("customer", customer).update();
        }
        double deadBefore = deadCounter();
        // StubBackend answers by the path's call count: the batch and then the refused
        // row get 404, the accepted row 204.
        int earlier = TestBackends.MONITORING.calls(PATH);
        StubBackend.Answer ok = new StubBackend.Answer(204, null, null, 0);
        StubBackend.Answer notFound = new StubBackend.Answer(404, "application/problem+json",
                "{\"status\":404,\"code\":\"DEVICE_NOT_FOUND\"}", 0);
        StubBackend.Answer[] answers = new StubBackend.Answer[earlier + 3];
        java.util.Arrays.fill(answers, ok);
        answers[earlier] = notFound;
        answers[earlier + 1] = notFound;
        TestBackends.MONITORING.script(PATH, answers);
        try {
            jdbc.sql("UPDATE device_event_outbox SET next_attempt_at = now() WHERE device_id IN (:a, :b)")
                .param("a", refused)
                .param("b", accepted)
                .update();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(outbox(accepted)).isZero();
                assertThat(outbox(refused, "count(*)", "dead_at IS NOT NULL", Integer.class)).isEqualTo(1);
            });
            assertThat(deadCounter()).isEqualTo(deadBefore + 1);
            assertThat(eventsFor(refused, "DEPLOYMENT_FAILED")).hasSize(2);
            assertThat(eventsFor(accepted, "DEPLOYMENT_FAILED")).hasSize(2);
            assertThat(pendingGauge()).isZero();
        }
        finally {
            TestBackends.MONITORING.script(PATH, new StubBackend.Answer(204, null, null, 0));
        }
    }

}
