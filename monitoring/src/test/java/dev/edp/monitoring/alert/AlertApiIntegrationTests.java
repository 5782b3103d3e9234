package dev.edp.monitoring.alert;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.TestClock;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.edp.monitoring.alert.NotificationServers.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts, rules and channels over HTTP: roles, tenant isolation, device events, the
 * device rules.
 */
@AlertTest
class AlertApiIntegrationTests extends MonitoringIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    TestClock clock;

    @Autowired
    AlertService alertService;

    final UUID customer = UUID.randomUUID();

    final UUID other = UUID.randomUUID();

    String token(UUID of, String role) {
        return TestJwtIssuer.token(role + "-" + of, of, role);
    }

    @Test
    void internalDeviceEventsEndpointRefusesUserTokensAndBadInputWithoutWriting() {
        UUID device = UUID.randomUUID();
        String body = events(device, "DEPLOYMENT_FAILED", Instant.now());
        for (String role : List.of("viewer", "operator", "customer-admin")) {
            ServiceSmokeChecks.assertProblem(send("POST", "/internal/device-events", token(customer, role), body), 403,
                    "FORBIDDEN");
        }
        ServiceSmokeChecks.assertProblem(
                send("POST", "/internal/device-events", TestJwtIssuer.token("root", null, "platform-admin"), body), 403,
                "FORBIDDEN");
        assertThat(send("POST", "/internal/device-events", null, body).statusCode()).isEqualTo(401);

        String service = TestJwtIssuer.serviceToken();
        ServiceSmokeChecks.assertProblem(send("POST", "/internal/device-events", service, "{\"events\":[]}"), 400,
                "VALIDATION_FAILED");
        ServiceSmokeChecks
            .assertProblem(
                    send("POST", "/internal/device-events", service,
                            """
                                    {"events":[{"deviceId":"%s","customerId":"%s","type":"DEPLOYMENT_FAILED","at":"%s"},
                                               {"deviceId":"%s","type":"DEPLOYMENT_FAILED","at":"%s"}]}"""
                                .formatted(device, customer, Instant.now(), device, Instant.now())),
                    400, "VALIDATION_FAILED");
        ServiceSmokeChecks.assertProblem(
                send("POST", "/internal/device-events", service, body.replace("DEPLOYMENT_FAILED", "EXPLODED")), 400,
                "MALFORMED_REQUEST_BODY");
        assertThat(alertCount(device)).isZero();
    }

    /*
     * A value that Java accepts but PostgreSQL does not (timestamptz ends in the year
     * 294276) was a 500, which device-management retries as a whole batch; a 400 makes it
     * send the events one by one and give up on the bad one alone.
     */
    @Test
    void eventPostgresCannotStoreIsA400AndNothingOfItsBatchIsWritten() {
        UUID good = UUID.randomUUID();
        UUID bad = UUID.randomUUID();
        String service = TestJwtIssuer.serviceToken();
        String batch = """
                {"events":[{"deviceId":"%s","customerId":"%s","type":"DEPLOYMENT_FAILED","at":"%s"},
                           {"deviceId":"%s","customerId":"%s","type":"DEPLOYMENT_FAILED",
                            "at":"+294277-01-01T00:00:00Z"}]}""".formatted(good, customer, Instant.now(), bad,
                customer);
        HttpResponse<String> refused = send("POST", "/internal/device-events", service, batch);
        // The starter's storable-times check refuses the date while the body is read.
        ServiceSmokeChecks.assertProblem(refused, 400, "MALFORMED_REQUEST_BODY");
        assertThat(alertCount(good)).isZero();
        assertThat(alertCount(bad)).isZero();

        assertThat(send("POST", "/internal/device-events", service, events(good, "DEPLOYMENT_FAILED", Instant.now()))
            .statusCode()).isEqualTo(204);
        assertThat(alertCount(good)).isEqualTo(1);
    }

    @Test
    void deploymentFailureOpensOneAlertAndRecoveryResolvesIt() {
        UUID device = UUID.randomUUID();
        String service = TestJwtIssuer.serviceToken();
        assertThat(send("POST", "/internal/device-events", service, events(device, "DEPLOYMENT_FAILED", Instant.now()))
            .statusCode()).isEqualTo(204);
        assertThat(send("POST", "/internal/device-events", service, events(device, "DEPLOYMENT_FAILED", Instant.now()))
            .statusCode()).isEqualTo(204);
        List<String> open = JsonPath.read(
                send("GET", "/alerts?state=OPEN&type=DEPLOYMENT_FAILED", token(customer, "viewer"), null).body(),
                "$.items[?(@.deviceId=='" + device + "')].detail");
        assertThat(open).containsExactly("opcua: reconciliation failed");

        Instant recovered = Instant.now();
        assertThat(send("POST", "/internal/device-events", service, events(device, "DEPLOYMENT_RECOVERED", recovered))
            .statusCode()).isEqualTo(204);
        // A late "failed" that happened before the recovery does not reopen it.
        assertThat(send("POST", "/internal/device-events", service,
                events(device, "DEPLOYMENT_FAILED", recovered.minusSeconds(5)))
            .statusCode()).isEqualTo(204);
        assertThat(alertCount(device)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM alert WHERE device_id = :d AND resolved_at IS NULL", "d", device))
            .isZero();
    }

    @Test
    void decommissionedDeviceIsForgottenResolvesItsAlertsAndNeverGoesOffline() throws Exception {
        UUID device = UUID.randomUUID();
        heartbeat(device, 1);
        String service = TestJwtIssuer.serviceToken();
        send("POST", "/internal/device-events", service, events(device, "DEPLOYMENT_FAILED", Instant.now()));
        // A heartbeat still buffered when the decommission arrives.
        assertThat(Devices
            .post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat", Devices.heartbeat(11, 1))
            .statusCode()).isEqualTo(202);

        assertThat(send("POST", "/internal/device-events", service, events(device, "DECOMMISSIONED", Instant.now()))
            .statusCode()).isEqualTo(204);
        buffer.flush();
        // A background flush that read the tombstones just before the decommission
        // committed may bring the row back once; the next evaluation deletes it again
        // (README "Decommissioned devices").
        await("the status to be gone", Duration.ofSeconds(30),
                () -> send("GET", "/devices/" + device + "/status", token(customer, "viewer"), null)
                    .statusCode() == 404);
        ServiceSmokeChecks.assertProblem(send("GET", "/devices/" + device + "/status", token(customer, "viewer"), null),
                404, "NOT_FOUND");
        assertThat(jdbc.sql("SELECT resolution FROM alert WHERE device_id = :d")
            .param("d", device)
            .query(String.class)
            .list()).containsExactly("Device decommissioned");

        // One that slipped through E3 before its certificate was revoked changes nothing
        // either, even once it is older than offline-after.
        heartbeat(device, 12);
        assertThat(count("SELECT count(*) FROM device_status WHERE device_id = :d", "d", device)).isZero();
        clock.advance(Duration.ofSeconds(5));
        alertService.evaluate();
        assertThat(count("SELECT count(*) FROM device_status WHERE device_id = :d", "d", device)).isZero();
        assertThat(alertCount(device)).isEqualTo(1);
    }

    @Test
    void fullContainerPartitionAndExpiringCertificateOpenAlertsThatClearWhenFixed() throws Exception {
        UUID device = UUID.randomUUID();
        Instant soon = Instant.now().plus(Duration.ofDays(3));
        Devices.post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat",
                Devices.heartbeat(10, 33_000_000_000L), soon);
        buffer.flush();
        await("disk and certificate alerts", WAIT, () -> openTypes(device).size() == 2);
        assertThat(openTypes(device)).containsExactlyInAnyOrder("DISK_FULL", "CERTIFICATE_EXPIRING");
        assertThat(JsonPath.<String>read(
                send("GET", "/devices/" + device + "/status", token(customer, "viewer"), null).body(),
                "$.certificateNotAfter"))
            .isEqualTo(soon.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());

        // Cleaned up and renewed.
        Devices.post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat",
                Devices.heartbeat(20, 1_000_000_000L), Instant.now().plus(Duration.ofDays(365)));
        buffer.flush();
        await("both to resolve", WAIT, () -> openTypes(device).isEmpty());
    }

    @Test
    void concurrentEvaluationsAndRepeatedEventsOpenOneAlertWithOneNotificationPerChannel() throws Exception {
        String admin = token(customer, "customer-admin");
        assertThat(send("POST", "/notification-channels", admin,
                "{\"name\":\"Mail\",\"type\":\"EMAIL\",\"emails\":[\"c-" + customer + "@acme.test\"]}")
            .statusCode()).isEqualTo(201);
        UUID full = UUID.randomUUID();
        UUID failing = UUID.randomUUID();
        Devices.post(checks.baseUrl(), full, customer, "/monitoring/api/v1/heartbeat",
                Devices.heartbeat(10, 34_000_000_000L));
        buffer.flush();
        // As if several replicas evaluated and device-management retried at the same
        // moment.
        List<java.util.concurrent.Callable<Object>> work = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            work.add(() -> alertService.evaluate());
            work.add(() -> send("POST", "/internal/device-events", TestJwtIssuer.serviceToken(),
                    events(failing, "DEPLOYMENT_FAILED", Instant.now()))
                .statusCode());
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (var result : pool.invokeAll(work)) {
                result.get();
            }
        }
        await("the disk alert", WAIT, () -> openTypes(full).contains("DISK_FULL"));
        for (UUID device : List.of(full, failing)) {
            assertThat(alertCount(device)).isEqualTo(1);
            assertThat(count("""
                    SELECT count(*) FROM notification n JOIN alert a ON a.id = n.alert_id WHERE a.device_id = :d""",
                    "d", device))
                .isEqualTo(1);
        }
    }

    @Test
    void customerDisablesARuleAndItsOpenAlertsResolve() throws Exception {
        UUID device = UUID.randomUUID();
        Devices.post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat",
                Devices.heartbeat(10, 34_000_000_000L));
        buffer.flush();
        await("the disk alert", WAIT, () -> openTypes(device).contains("DISK_FULL"));

        HttpResponse<String> put = send("PUT", "/alert-rules", token(customer, "customer-admin"),
                "{\"rules\":[{\"type\":\"DISK_FULL\",\"enabled\":false}]}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(JsonPath.<List<Boolean>>read(put.body(), "$.rules[?(@.type=='DISK_FULL')].enabled"))
            .containsExactly(false);
        await("the disk alert to resolve", WAIT, () -> !openTypes(device).contains("DISK_FULL"));
    }

    @Test
    void alertRulesShowDefaultsAndOnlyCustomerAdminsChangeThemWithValidValues() {
        HttpResponse<String> defaults = send("GET", "/alert-rules", token(customer, "viewer"), null);
        assertThat(defaults.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<Integer>>read(defaults.body(), "$.rules[?(@.type=='DEVICE_OFFLINE')].threshold"))
            .containsExactly(5);
        assertThat(JsonPath.<List<Integer>>read(defaults.body(), "$.rules[?(@.type=='DISK_FULL')].threshold"))
            .containsExactly(90);
        assertThat(
                JsonPath.<List<Integer>>read(defaults.body(), "$.rules[?(@.type=='CERTIFICATE_EXPIRING')].threshold"))
            .containsExactly(7);

        String body = "{\"rules\":[{\"type\":\"DEVICE_OFFLINE\",\"enabled\":true,\"threshold\":30}]}";
        ServiceSmokeChecks.assertProblem(send("PUT", "/alert-rules", token(customer, "operator"), body), 403,
                "FORBIDDEN");
        ServiceSmokeChecks.assertProblem(
                send("PUT", "/alert-rules?customerId=" + other, token(customer, "customer-admin"), body), 404,
                "NOT_FOUND");
        HttpResponse<String> invalid = send("PUT", "/alert-rules", token(customer, "customer-admin"), """
                {"rules":[{"type":"DEVICE_OFFLINE","enabled":true,"threshold":30},
                          {"type":"DISK_FULL","enabled":true,"threshold":101},
                          {"type":"DEPLOYMENT_FAILED","enabled":true,"threshold":3},
                          {"type":"SERVICE_DOWN","enabled":false}]}""");
        ServiceSmokeChecks.assertProblem(invalid, 400, "VALIDATION_FAILED");
        assertThat(JsonPath.<List<String>>read(invalid.body(), "$.errors[*].field"))
            .containsExactly("rules[1].threshold", "rules[2].threshold", "rules[3].type");
        assertThat(count("SELECT count(*) FROM alert_rule_override WHERE customer_id = :c", "c", customer)).isZero();

        HttpResponse<String> saved = send("PUT", "/alert-rules", token(customer, "customer-admin"), body);
        assertThat(saved.statusCode()).isEqualTo(200);
        HttpResponse<String> read = send("GET", "/alert-rules", token(customer, "viewer"), null);
        assertThat(JsonPath.<List<Integer>>read(read.body(), "$.rules[?(@.type=='DEVICE_OFFLINE')].threshold"))
            .containsExactly(30);
        assertThat(JsonPath.<List<Boolean>>read(read.body(), "$.rules[?(@.type=='DEVICE_OFFLINE')].customized"))
            .containsExactly(true);
        // Another customer still has the defaults.
        assertThat(JsonPath.<List<Integer>>read(send("GET", "/alert-rules", token(other, "viewer"), null).body(),
                "$.rules[?(@.type=='DEVICE_OFFLINE')].threshold"))
            .containsExactly(5);
    }

    @Test
    void alertsOfAnotherCustomerAreNotFoundAndOnlyOperatorsAcknowledge() {
        UUID device = UUID.randomUUID();
        send("POST", "/internal/device-events", TestJwtIssuer.serviceToken(),
                events(device, "DEPLOYMENT_FAILED", Instant.now()));
        String id = jdbc.sql("SELECT id FROM alert WHERE device_id = :d")
            .param("d", device)
            .query(String.class)
            .single();

        ServiceSmokeChecks.assertProblem(send("GET", "/alerts/" + id, token(other, "viewer"), null), 404, "NOT_FOUND");
        ServiceSmokeChecks.assertProblem(send("POST", "/alerts/" + id + "/acknowledge", token(other, "operator"), null),
                404, "NOT_FOUND");
        ServiceSmokeChecks.assertProblem(send("GET", "/alerts?customerId=" + customer, token(other, "viewer"), null),
                404, "NOT_FOUND");
        assertThat(JsonPath.<List<String>>read(send("GET", "/alerts", token(other, "viewer"), null).body(),
                "$.items[*].id"))
            .doesNotContain(id);
        ServiceSmokeChecks.assertProblem(
                send("POST", "/alerts/" + id + "/acknowledge", token(customer, "viewer"), null), 403, "FORBIDDEN");
        assertThat(jdbc.sql("SELECT acknowledged_at FROM alert WHERE id = CAST(:id AS uuid)")
            .param("id", id)
            .query(Instant.class)
            .optional()).isEmpty();

        HttpResponse<String> ack = send("POST", "/alerts/" + id + "/acknowledge", token(customer, "operator"), null);
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(ack.body(), "$.acknowledgedBy")).isEqualTo("operator-" + customer);
        assertThat(JsonPath.<String>read(ack.body(), "$.state")).isEqualTo("OPEN");
    }

    @Test
    void alertListIsKeysetPagedNewestFirstAndRefusesBadFilters() {
        for (int i = 0; i < 5; i++) {
            send("POST", "/internal/device-events", TestJwtIssuer.serviceToken(),
                    events(UUID.randomUUID(), "DEPLOYMENT_FAILED", Instant.now()));
        }
        String viewer = token(customer, "viewer");
        HttpResponse<String> first = send("GET", "/alerts?limit=2", viewer, null);
        List<String> seen = new java.util.ArrayList<>(JsonPath.<List<String>>read(first.body(), "$.items[*].id"));
        String cursor = nextCursor(first.body());
        while (cursor != null) {
            HttpResponse<String> page = send("GET", "/alerts?limit=2&cursor=" + cursor, viewer, null);
            seen.addAll(JsonPath.<List<String>>read(page.body(), "$.items[*].id"));
            cursor = nextCursor(page.body());
        }
        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
        List<String> newestFirst = jdbc.sql("""
                SELECT id::text FROM alert WHERE customer_id = :c ORDER BY opened_at DESC, id DESC""")
            .param("c", customer)
            .query(String.class)
            .list();
        assertThat(seen).isEqualTo(newestFirst);

        ServiceSmokeChecks.assertProblem(send("GET", "/alerts?state=maybe", viewer, null), 400, "INVALID_STATE");
        ServiceSmokeChecks.assertProblem(send("GET", "/alerts?type=NOPE", viewer, null), 400, "INVALID_TYPE");
        ServiceSmokeChecks.assertProblem(send("GET", "/alerts?cursor=garbage", viewer, null), 400, "INVALID_CURSOR");
    }

    @Test
    void channelsBelongToTheirCustomerTheSecretIsShownOnceAndBadInputIsRefused() {
        String admin = token(customer, "customer-admin");
        HttpResponse<String> created = send("POST", "/notification-channels", admin,
                "{\"name\":\"Hook\",\"type\":\"WEBHOOK\",\"url\":\"https://hooks.acme.example/edp\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JsonPath.read(created.body(), "$.id");
        assertThat(JsonPath.<String>read(created.body(), "$.secret")).hasSize(64);

        HttpResponse<String> read = send("GET", "/notification-channels/" + id, admin, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).doesNotContain("secret");
        assertThat(send("GET", "/notification-channels", admin, null).body()).doesNotContain("secret").contains(id);

        ServiceSmokeChecks.assertProblem(
                send("GET", "/notification-channels/" + id, token(other, "customer-admin"), null), 404, "NOT_FOUND");
        ServiceSmokeChecks.assertProblem(
                send("DELETE", "/notification-channels/" + id, token(other, "customer-admin"), null), 404, "NOT_FOUND");
        assertThat(send("GET", "/notification-channels", token(other, "customer-admin"), null).body())
            .doesNotContain(id);
        ServiceSmokeChecks.assertProblem(send("GET", "/notification-channels", token(customer, "operator"), null), 403,
                "FORBIDDEN");
        ServiceSmokeChecks.assertProblem(send("POST", "/notification-channels", token(customer, "operator"),
                "{\"name\":\"M\",\"type\":\"EMAIL\",\"emails\":[\"a@b.example\"]}"), 403, "FORBIDDEN");

        long before = channelCount();
        HttpResponse<String> bad = send("POST", "/notification-channels", admin,
                "{\"name\":\"M\",\"type\":\"EMAIL\",\"emails\":[\"ok@b.example\",\"not-an-address\"],"
                        + "\"url\":\"https://x.example\"}");
        ServiceSmokeChecks.assertProblem(bad, 400, "VALIDATION_FAILED");
        assertThat(JsonPath.<List<String>>read(bad.body(), "$.errors[*].field")).containsExactly("emails[1]", "url");
        ServiceSmokeChecks.assertProblem(
                send("POST", "/notification-channels", admin, "{\"name\":\"\",\"type\":\"SMS\"}"), 400,
                "VALIDATION_FAILED");
        ServiceSmokeChecks.assertProblem(send("POST", "/notification-channels", admin,
                "{\"name\":\"H\",\"type\":\"WEBHOOK\",\"url\":\"ftp://x.example\"}"), 400, "VALIDATION_FAILED");
        ServiceSmokeChecks.assertProblem(send("POST", "/notification-channels", admin, "{\"name\":"), 400,
                "MALFORMED_REQUEST_BODY");
        assertThat(channelCount()).isEqualTo(before);

        assertThat(send("DELETE", "/notification-channels/" + id, admin, null).statusCode()).isEqualTo(204);
        ServiceSmokeChecks.assertProblem(send("GET", "/notification-channels/" + id, admin, null), 404, "NOT_FOUND");
    }

    static String nextCursor(String page) {
        return JsonPath.<java.util.Map<String, Object>>read(page, "$").get("nextCursor") instanceof String next ? next
                : null;
    }

    long channelCount() {
        return jdbc.sql("SELECT count(*) FROM notification_channel").query(Long.class).single();
    }

    List<String> openTypes(UUID device) {
        return jdbc.sql("SELECT type FROM alert WHERE device_id = :d AND resolved_at IS NULL")
            .param("d", device)
            .query(String.class)
            .list();
    }

    long alertCount(UUID device) {
        return count("SELECT count(*) FROM alert WHERE device_id = :d", "d", device);
    }

    void heartbeat(UUID device, long uptime) {
        assertThat(Devices
            .post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat", Devices.heartbeat(uptime, 1))
            .statusCode()).isEqualTo(202);
        buffer.flush();
    }

    String events(UUID device, String type, Instant at) {
        return """
                {"events":[{"deviceId":"%s","customerId":"%s","type":"%s",
                 "detail":"opcua: reconciliation failed","at":"%s"}]}""".formatted(device, customer, type, at);
    }

    HttpResponse<String> send(String method, String path, String token, String json) {
        return ServiceSmokeChecks.send(method, checks.baseUrl() + "/api/monitoring/v1" + path,
                json == null ? null : "application/json", json, token);
    }

}
