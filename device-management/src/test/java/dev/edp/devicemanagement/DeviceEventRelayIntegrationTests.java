package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.http.StubBackend;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Deployment failures and recoveries reach monitoring through the outbox, also after monitoring was down. */
@EdpServiceTest
class DeviceEventRelayIntegrationTests {

    static final String PATH = "/api/monitoring/v1/internal/device-events";

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    static String report(String state, String message) {
        return """
                {"agentVersion":"1.0","osVersion":"Debian 13","containers":[
                  {"name":"web","image":"registry.example.com/edp/web:1","state":"ready"},
                  {"name":"db","image":"registry.example.com/edp/db:1","state":"%s","message":"%s"}]}"""
                .formatted(state, message);
    }

    List<StubBackend.Received> eventsFor(UUID device, String type) {
        return TestBackends.MONITORING.received().stream()
                .filter(r -> r.pathAndQuery().equals(PATH) && r.body().contains(device.toString())
                        && r.body().contains(type))
                .toList();
    }

    int outbox(UUID device) {
        return jdbc.sql("SELECT count(*) FROM device_event_outbox WHERE device_id = :id").param("id", device)
                .query(Integer.class).single();
    }

    @Test
    void aFailedDeploymentAndItsRecoveryReachMonitoringOnceEachWithTheServiceToken() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = DeviceOnboardingIntegrationTests.enroll(api, customer, "failing");
        HttpResponse<String> failed = TestDevices.reportState(checks.baseUrl(), device, customer,
                report("reconciliation failed", "image pull back-off"));
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(204);
        // Still failing: no second event.
        TestDevices.reportState(checks.baseUrl(), device, customer, report("reconciliation failed", "again"));

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(eventsFor(device, "DEPLOYMENT_FAILED")).hasSize(1));
        StubBackend.Received sent = eventsFor(device, "DEPLOYMENT_FAILED").getFirst();
        assertThat(sent.method()).isEqualTo("POST");
        // This service's own token: the test issuer's, role platform-service, no customer.
        Jwt token = TestJwtIssuer.jwtDecoder().decode(sent.header("Authorization").substring("Bearer ".length()));
        assertThat(token.getClaimAsMap("realm_access").get("roles")).isEqualTo(List.of("platform-service"));
        assertThat(token.hasClaim("customer_id")).isFalse();
        String event = "$.events[?(@.deviceId == '" + device + "')]";
        assertThat(JsonPath.<List<String>>read(sent.body(), event + ".customerId")).containsExactly(customer.toString());
        assertThat(JsonPath.<List<String>>read(sent.body(), event + ".detail").getFirst())
                .contains("db").contains("image pull back-off");
        assertThat(JsonPath.<List<String>>read(sent.body(), event + ".at").getFirst()).endsWith("Z");

        TestDevices.reportState(checks.baseUrl(), device, customer, report("ready", ""));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(eventsFor(device, "DEPLOYMENT_RECOVERED")).hasSize(1));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(outbox(device)).isZero());
        assertThat(eventsFor(device, "DEPLOYMENT_FAILED")).hasSize(1);
    }

    @Test
    void eventsStayInTheOutboxWhileMonitoringIsDownAndAreSentWhenItIsBack() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = DeviceOnboardingIntegrationTests.enroll(api, customer, "patient");
        TestBackends.MONITORING.script(PATH, new StubBackend.Answer(503, "application/problem+json",
                "{\"status\":503}", 0));
        try {
            TestDevices.reportState(checks.baseUrl(), device, customer,
                    report("reconciliation failed", "no space left"));
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(eventsFor(device, "DEPLOYMENT_FAILED")).isNotEmpty());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(jdbc.sql("""
                    SELECT attempts FROM device_event_outbox WHERE device_id = :id""").param("id", device)
                    .query(Integer.class).single()).isGreaterThanOrEqualTo(1));
            assertThat(jdbc.sql("SELECT last_error FROM device_event_outbox WHERE device_id = :id")
                    .param("id", device).query(String.class).single()).contains("503");
        }
        finally {
            TestBackends.MONITORING.script(PATH, new StubBackend.Answer(204, null, null, 0));
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(outbox(device)).isZero());
        assertThat(eventsFor(device, "DEPLOYMENT_FAILED").size()).isGreaterThanOrEqualTo(2);
    }
}
