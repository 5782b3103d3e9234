package dev.edp.monitoring.alert;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.TestClock;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.edp.monitoring.alert.NotificationServers.await;
import static dev.edp.monitoring.alert.NotificationServers.calls;
import static dev.edp.monitoring.alert.NotificationServers.mailsTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ROLLOUT_PAUSED}: device-management's rollout events (rollouts design, "Alert
 * (monitoring)") open one alert per paused rollout, its end resolves it, the customer's
 * channels hear both like for every alert (real SMTP, real HTTP), and another customer
 * never sees or touches it.
 */
@AlertTest
class RolloutAlertIntegrationTests extends MonitoringIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    static final String EVENTS = "/internal/device-events";

    @Autowired
    TestClock clock;

    final UUID customer = UUID.randomUUID();

    final UUID other = UUID.randomUUID();

    @Test
    void eachEventNamesExactlyOneOfDeviceAndRolloutFittingItsTypeElseNothingOfTheBatchIsWritten() {
        UUID rollout = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        Instant at = clock.instant();
        String paused = rolloutEvent(rollout, customer, "ROLLOUT_PAUSED", "Paused by an operator", at);

        List<Map.Entry<String, String>> refused = List.of(
                // A rollout type about a device.
                Map.entry("events[0].type",
                        """
                                {"deviceId":"%s","customerId":"%s","type":"ROLLOUT_PAUSED","at":"%s"}"""
                            .formatted(device, customer, at)),
                // A device type about a rollout.
                Map.entry("events[0].type",
                        """
                                {"rolloutId":"%s","customerId":"%s","type":"DEPLOYMENT_FAILED","at":"%s"}"""
                            .formatted(rollout, customer, at)),
                // Both, and neither.
                Map.entry("events[0]",
                        """
                                {"deviceId":"%s","rolloutId":"%s","customerId":"%s","type":"ROLLOUT_PAUSED","at":"%s"}"""
                            .formatted(device, rollout, customer, at)),
                Map.entry("events[0]", """
                        {"customerId":"%s","type":"ROLLOUT_PAUSE_ENDED","at":"%s"}""".formatted(customer, at)));
        for (Map.Entry<String, String> bad : refused) {
            HttpResponse<String> response = send("POST", EVENTS, TestJwtIssuer.serviceToken(),
                    "{\"events\":[" + bad.getValue() + "]}");
            ServiceSmokeChecks.assertProblem(response, 400, "VALIDATION_FAILED");
            assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field")).as(bad.getValue())
                .containsExactly(bad.getKey());
        }

        // One bad event refuses the whole batch: the good pause before it is not written
        // either.
        HttpResponse<String> mixed = send("POST", EVENTS, TestJwtIssuer.serviceToken(), "{\"events\":[" + paused
                + ",{\"deviceId\":\"%s\",\"rolloutId\":\"%s\",\"customerId\":\"%s\",\"type\":\"DEPLOYMENT_FAILED\",\"at\":\"%s\"}]}"
                    .formatted(device, rollout, customer, at));
        ServiceSmokeChecks.assertProblem(mixed, 400, "VALIDATION_FAILED");
        assertThat(JsonPath.<List<String>>read(mixed.body(), "$.errors[*].field")).containsExactly("events[1]");
        // The rules of every event stay: a customer, a time, a known type.
        ServiceSmokeChecks.assertProblem(send("POST", EVENTS, TestJwtIssuer.serviceToken(), """
                {"events":[{"rolloutId":"%s","type":"ROLLOUT_PAUSED","at":"%s"}]}""".formatted(rollout, at)), 400,
                "VALIDATION_FAILED");
        ServiceSmokeChecks.assertProblem(send("POST", EVENTS, TestJwtIssuer.serviceToken(), """
                {"events":[{"rolloutId":"%s","customerId":"%s","type":"ROLLOUT_PAUSED"}]}""".formatted(rollout,
                customer)), 400, "VALIDATION_FAILED");
        ServiceSmokeChecks.assertProblem(
                send("POST", EVENTS, TestJwtIssuer.serviceToken(),
                        "{\"events\":[" + paused.replace("ROLLOUT_PAUSED", "ROLLOUT_EXPLODED") + "]}"),
                400, "MALFORMED_REQUEST_BODY");
        // Users, even a platform admin, cannot send them.
        for (String token : List.of(TestJwtIssuer.token("op", customer, "operator"),
                TestJwtIssuer.token("root", null, "platform-admin"))) {
            ServiceSmokeChecks.assertProblem(send("POST", EVENTS, token, "{\"events\":[" + paused + "]}"), 403,
                    "FORBIDDEN");
        }
        assertThat(alertsOf(rollout)).isEmpty();
        assertThat(count("SELECT count(*) FROM alert WHERE device_id = :d", "d", device)).isZero();

        assertThat(post(paused).statusCode()).isEqualTo(204);
        assertThat(alertsOf(rollout)).hasSize(1);
    }

    @Test
    void pauseOpensOneAlertAboutTheRolloutItsEndResolvesItAndAnOlderPauseDoesNotReopenIt() {
        UUID rollout = UUID.randomUUID();
        Instant pausedAt = clock.instant();
        String detail = "Group 2 of 4: 3 of 40 devices failed (7.5 %), above the error threshold of 5 %";
        assertThat(post(rolloutEvent(rollout, customer, "ROLLOUT_PAUSED", detail, pausedAt)).statusCode())
            .isEqualTo(204);
        // Sent again (the relay retries): still one alert.
        assertThat(post(rolloutEvent(rollout, customer, "ROLLOUT_PAUSED", detail, pausedAt)).statusCode())
            .isEqualTo(204);
        assertThat(alertsOf(rollout)).hasSize(1);
        String id = alertsOf(rollout).getFirst().toString();

        String viewer = TestJwtIssuer.token("viewer-" + customer, customer, "viewer");
        String alert = send("GET", "/alerts/" + id, viewer, null).body();
        assertThat(JsonPath.<String>read(alert, "$.type")).isEqualTo("ROLLOUT_PAUSED");
        assertThat(JsonPath.<String>read(alert, "$.rolloutId")).isEqualTo(rollout.toString());
        assertThat(JsonPath.<String>read(alert, "$.subject")).isEqualTo(rollout.toString());
        // Null members are left out (the platform's JSON): no device.
        assertThat(JsonPath.<Map<String, Object>>read(alert, "$")).doesNotContainKey("deviceId");
        assertThat(JsonPath.<String>read(alert, "$.customerId")).isEqualTo(customer.toString());
        assertThat(JsonPath.<String>read(alert, "$.detail")).isEqualTo(detail);
        assertThat(JsonPath.<String>read(alert, "$.state")).isEqualTo("OPEN");
        // Filtered by type like every alert; other types' alerts have no rolloutId.
        assertThat(JsonPath.<List<String>>read(
                send("GET", "/alerts?state=OPEN&type=ROLLOUT_PAUSED", viewer, null).body(), "$.items[*].id"))
            .containsExactly(id);
        post(deviceEvent(UUID.randomUUID(), "DEPLOYMENT_FAILED", pausedAt));
        String deployments = send("GET", "/alerts?type=DEPLOYMENT_FAILED", viewer, null).body();
        assertThat(JsonPath.<List<Map<String, Object>>>read(deployments, "$.items[*]")).singleElement()
            .satisfies(item -> assertThat(item).containsKey("deviceId").doesNotContainKey("rolloutId"));
        // The live feed has it, for its customer.
        assertThat(jdbc.sql("SELECT customer_id FROM live_event WHERE type = 'alert.opened' AND data ->> 'id' = :id")
            .param("id", id)
            .query(UUID.class)
            .list()).containsExactly(customer);

        Instant resumedAt = pausedAt.plusSeconds(60);
        assertThat(
                post(rolloutEvent(rollout, customer, "ROLLOUT_PAUSE_ENDED", "Resumed by otto", resumedAt)).statusCode())
            .isEqualTo(204);
        String resolved = send("GET", "/alerts/" + id, viewer, null).body();
        assertThat(JsonPath.<String>read(resolved, "$.state")).isEqualTo("RESOLVED");
        assertThat(JsonPath.<String>read(resolved, "$.resolution")).isEqualTo("Resumed by otto");

        // A pause from before the end, arriving late, does not reopen it...
        assertThat(
                post(rolloutEvent(rollout, customer, "ROLLOUT_PAUSED", detail, resumedAt.minusSeconds(5))).statusCode())
            .isEqualTo(204);
        assertThat(alertsOf(rollout)).containsExactly(UUID.fromString(id));
        // ...a new pause after it opens a new alert.
        assertThat(post(rolloutEvent(rollout, customer, "ROLLOUT_PAUSED", "Paused by otto: checking a device",
                resumedAt.plusSeconds(1)))
            .statusCode()).isEqualTo(204);
        assertThat(alertsOf(rollout)).hasSize(2);
        assertThat(openAlertsOf(rollout)).hasSize(1).doesNotContain(UUID.fromString(id));
    }

    /*
     * Resolving recorded when monitoring received the end, and an event counted as older
     * than the end by that time: a pause, its end and a new pause relayed together (the
     * scheduler pauses again seconds after a resume) left the new pause without an alert.
     * Same for a deployment failure, recovery and failure again.
     */
    @Test
    void aNewPauseOrFailureRelayedTogetherWithTheEndOfTheLastOneOpensItsAlert() {
        UUID rollout = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        Instant start = clock.instant().minusSeconds(30);
        HttpResponse<String> response = send("POST", EVENTS, TestJwtIssuer.serviceToken(),
                "{\"events\":[" + String.join(",",
                        rolloutEvent(rollout, customer, "ROLLOUT_PAUSED", "threshold", start),
                        rolloutEvent(rollout, customer, "ROLLOUT_PAUSE_ENDED", "resumed", start.plusSeconds(10)),
                        rolloutEvent(rollout, customer, "ROLLOUT_PAUSED", "threshold again", start.plusSeconds(15)),
                        event(device, "DEPLOYMENT_FAILED", start),
                        event(device, "DEPLOYMENT_RECOVERED", start.plusSeconds(10)),
                        event(device, "DEPLOYMENT_FAILED", start.plusSeconds(15))) + "]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);

        assertThat(alertsOf(rollout)).hasSize(2);
        assertThat(jdbc.sql("SELECT detail FROM alert WHERE rollout_id = :r AND resolved_at IS NULL")
            .param("r", rollout)
            .query(String.class)
            .list()).containsExactly("threshold again");
        assertThat(count("SELECT count(*) FROM alert WHERE device_id = :d AND resolved_at IS NULL", "d", device))
            .isEqualTo(1);
    }

    @Test
    void customerRuleIsOnWithoutThresholdAndTurningItOffResolvesOpenPausesAndOpensNoMore() throws Exception {
        String admin = TestJwtIssuer.token("admin-" + customer, customer, "customer-admin");
        String rules = send("GET", "/alert-rules", admin, null).body();
        assertThat(JsonPath.<List<Boolean>>read(rules, "$.rules[?(@.type=='ROLLOUT_PAUSED')].enabled"))
            .containsExactly(true);
        assertThat(JsonPath.<List<Map<String, Object>>>read(rules, "$.rules[?(@.type=='ROLLOUT_PAUSED')]"))
            .singleElement()
            .satisfies(rule -> assertThat(rule).doesNotContainKeys("threshold", "unit"));
        HttpResponse<String> threshold = send("PUT", "/alert-rules", admin,
                "{\"rules\":[{\"type\":\"ROLLOUT_PAUSED\",\"enabled\":true,\"threshold\":5}]}");
        ServiceSmokeChecks.assertProblem(threshold, 400, "VALIDATION_FAILED");
        assertThat(JsonPath.<List<String>>read(threshold.body(), "$.errors[*].field"))
            .containsExactly("rules[0].threshold");

        UUID rollout = UUID.randomUUID();
        post(rolloutEvent(rollout, customer, "ROLLOUT_PAUSED", "threshold", clock.instant()));
        assertThat(openAlertsOf(rollout)).hasSize(1);

        assertThat(send("PUT", "/alert-rules", admin, "{\"rules\":[{\"type\":\"ROLLOUT_PAUSED\",\"enabled\":false}]}")
            .statusCode()).isEqualTo(200);
        await("the open rollout alert to resolve", WAIT, () -> openAlertsOf(rollout).isEmpty());
        assertThat(jdbc.sql("SELECT resolution FROM alert WHERE rollout_id = :r")
            .param("r", rollout)
            .query(String.class)
            .list()).containsExactly("Rule disabled");

        UUID next = UUID.randomUUID();
        assertThat(post(rolloutEvent(next, customer, "ROLLOUT_PAUSED", "threshold", clock.instant())).statusCode())
            .isEqualTo(204);
        assertThat(alertsOf(next)).isEmpty();
        // Another customer still has it on.
        UUID theirs = UUID.randomUUID();
        post(rolloutEvent(theirs, other, "ROLLOUT_PAUSED", "threshold", clock.instant()));
        assertThat(openAlertsOf(theirs)).hasSize(1);
    }

    @Test
    void pauseIsMailedAndPostedWithItsDetailToTheCustomerOnlyAndAnotherCustomerNeitherSeesNorEndsIt() throws Exception {
        String admin = TestJwtIssuer.token("admin-" + customer, customer, "customer-admin");
        String address = "rollouts-" + customer + "@acme.test";
        String hook = "/hooks/rollouts-" + customer;
        createChannel(admin, "{\"name\":\"Ops mail\",\"type\":\"EMAIL\",\"emails\":[\"" + address + "\"]}");
        String secret = JsonPath.read(createChannel(admin,
                "{\"name\":\"Ops hook\",\"type\":\"WEBHOOK\",\"url\":\"" + NotificationServers.hookUrl(hook) + "\"}"),
                "$.secret");
        String otherAdmin = TestJwtIssuer.token("admin-" + other, other, "customer-admin");
        String otherAddress = "rollouts-" + other + "@globex.test";
        String otherChannel = JsonPath.read(createChannel(otherAdmin,
                "{\"name\":\"Their mail\",\"type\":\"EMAIL\",\"emails\":[\"" + otherAddress + "\"]}"), "$.id");

        UUID rollout = UUID.randomUUID();
        String detail = "Group 1 of 3: 2 of 10 devices failed (20 %), above the error threshold of 5 %";
        assertThat(post(rolloutEvent(rollout, customer, "ROLLOUT_PAUSED", detail, clock.instant())).statusCode())
            .isEqualTo(204);
        UUID alert = alertsOf(rollout).getFirst();

        await("the opened e-mail", WAIT, () -> mailsTo(address).size() == 1);
        MimeMessage mail = mailsTo(address).getFirst();
        assertThat(mail.getSubject()).contains("ROLLOUT_PAUSED").contains(rollout.toString());
        String text = mail.getContent().toString();
        assertThat(text).contains(detail).contains("Rollout: " + rollout).contains(customer.toString());
        await("the opened webhook", WAIT, () -> calls(hook).size() == 1);
        NotificationServers.Call call = calls(hook).getFirst();
        assertThat(AlertNotificationIntegrationTests.verdict(secret, call))
            .isEqualTo(WebhookVerification.Verdict.VALID);
        assertThat(JsonPath.<String>read(call.text(), "$.event")).isEqualTo("alert.opened");
        assertThat(JsonPath.<String>read(call.text(), "$.alert.type")).isEqualTo("ROLLOUT_PAUSED");
        assertThat(JsonPath.<String>read(call.text(), "$.alert.rolloutId")).isEqualTo(rollout.toString());
        assertThat(JsonPath.<String>read(call.text(), "$.alert.detail")).isEqualTo(detail);
        // Written for the customer's two channels only, in the alert's transaction: the
        // other customer's channel has nothing to send, now or later.
        assertThat(count("SELECT count(*) FROM notification WHERE alert_id = :a", "a", alert)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM notification WHERE channel_id = :c", "c", UUID.fromString(otherChannel)))
            .isZero();

        // The other customer: 404 like an unknown alert, not listed, cannot acknowledge.
        String otherViewer = TestJwtIssuer.token("viewer-" + other, other, "viewer");
        ServiceSmokeChecks.assertProblem(send("GET", "/alerts/" + alert, otherViewer, null), 404, "NOT_FOUND");
        ServiceSmokeChecks.assertProblem(send("POST", "/alerts/" + alert + "/acknowledge",
                TestJwtIssuer.token("op-" + other, other, "operator"), null), 404, "NOT_FOUND");
        assertThat(JsonPath.<List<String>>read(send("GET", "/alerts?type=ROLLOUT_PAUSED", otherViewer, null).body(),
                "$.items[*].id"))
            .doesNotContain(alert.toString());
        // An end naming the rollout under the other customer changes nothing.
        assertThat(
                post(rolloutEvent(rollout, other, "ROLLOUT_PAUSE_ENDED", "not theirs", clock.instant())).statusCode())
            .isEqualTo(204);
        assertThat(openAlertsOf(rollout)).containsExactly(alert);

        assertThat(post(rolloutEvent(rollout, customer, "ROLLOUT_PAUSE_ENDED", "Cancelled by otto", clock.instant()))
            .statusCode()).isEqualTo(204);
        await("the resolved e-mail", WAIT, () -> mailsTo(address).size() == 2);
        assertThat(mailsTo(address).get(1).getContent().toString()).contains("Resolution: Cancelled by otto");
        await("the resolved webhook", WAIT, () -> calls(hook).size() == 2);
        assertThat(JsonPath.<String>read(calls(hook).get(1).text(), "$.event")).isEqualTo("alert.resolved");
        assertThat(mailsTo(otherAddress)).isEmpty();
    }

    List<UUID> alertsOf(UUID rollout) {
        return jdbc.sql("SELECT id FROM alert WHERE rollout_id = :r ORDER BY opened_at, id")
            .param("r", rollout)
            .query(UUID.class)
            .list();
    }

    List<UUID> openAlertsOf(UUID rollout) {
        return jdbc.sql("SELECT id FROM alert WHERE rollout_id = :r AND resolved_at IS NULL")
            .param("r", rollout)
            .query(UUID.class)
            .list();
    }

    String createChannel(String token, String json) {
        HttpResponse<String> response = send("POST", "/notification-channels", token, json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body();
    }

    static String rolloutEvent(UUID rollout, UUID customer, String type, String detail, Instant at) {
        return """
                {"rolloutId":"%s","customerId":"%s","type":"%s","detail":"%s","at":"%s"}""".formatted(rollout, customer,
                type, detail, at);
    }

    String event(UUID device, String type, Instant at) {
        return """
                {"deviceId":"%s","customerId":"%s","type":"%s","detail":"opcua","at":"%s"}""".formatted(device,
                customer, type, at);
    }

    String deviceEvent(UUID device, String type, Instant at) {
        return "{\"events\":[" + event(device, type, at) + "]}";
    }

    HttpResponse<String> post(String eventOrBatch) {
        String body = eventOrBatch.startsWith("{\"events\"") ? eventOrBatch : "{\"events\":[" + eventOrBatch + "]}";
        return send("POST", EVENTS, TestJwtIssuer.serviceToken(), body);
    }

    HttpResponse<String> send(String method, String path, String token, String json) {
        return ServiceSmokeChecks.send(method, checks.baseUrl() + "/api/monitoring/v1" + path,
                json == null ? null : "application/json", json, token);
    }

}
