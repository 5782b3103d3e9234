package dev.edp.monitoring.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.monitoring.health.ServiceHealthChanged;
import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.TestClock;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;

import static dev.edp.monitoring.alert.NotificationServers.await;
import static dev.edp.monitoring.alert.NotificationServers.calls;
import static dev.edp.monitoring.alert.NotificationServers.mailsTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "done when": a silent device opens exactly one alert, which arrives once by
 * e-mail (real SMTP: GreenMail) and once as a signed webhook (in-process HTTP server);
 * its next heartbeat resolves it and says so; flapping within the quiet period is
 * suppressed; a failing webhook is retried and given up. The service's clock is frozen in
 * each test and moves only when the test advances it (a device is silent, a backoff has
 * passed), so a loaded machine cannot add a flap or skip a retry; every wait polls
 * against a generous deadline. Test intervals: offline after 3 s of service time,
 * evaluation and sending every 200 ms.
 */
@AlertTest
class AlertNotificationIntegrationTests extends MonitoringIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    /** Longer than the test profile's offline-after (3 s). */
    static final Duration SILENCE = Duration.ofSeconds(5);

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    MeterRegistry meters;

    @Autowired
    TestClock clock;

    @Autowired
    AlertService alertService;

    final UUID customer = UUID.randomUUID();

    final String admin = TestJwtIssuer.token("admin-" + customer, customer, "customer-admin");

    final String viewer = TestJwtIssuer.token("viewer-" + customer, customer, "viewer");

    @BeforeEach
    void freezeTime() {
        clock.freeze();
    }

    @AfterEach
    void releaseTime() {
        clock.release();
    }

    @Test
    void silentDeviceOpensOneAlertNotifiedOnceByMailAndSignedWebhookThenResolvesAndFlappingIsSuppressed()
            throws Exception {
        String address = "ops-" + customer + "@acme.test";
        String hook = "/hooks/" + customer;
        String secret = offlineAlertsToMailAndHook(address, hook);
        UUID device = UUID.randomUUID();
        double mailsSent = meters.counter("edp.notifications.sent", "channel", "EMAIL").count();

        heartbeat(device);
        clock.advance(SILENCE);
        await("the offline alert", WAIT, () -> openAlerts(device).size() == 1);
        UUID alert = openAlerts(device).getFirst();
        await("the open-alerts gauge", WAIT,
                () -> meters.get("edp.alerts.open").tag("type", "DEVICE_OFFLINE").gauge().value() >= 1);
        // The live feed got it with the customer it belongs to (written in the alert's
        // transaction).
        assertThat(jdbc.sql("""
                SELECT customer_id FROM live_event WHERE type = 'alert.opened' AND data ->> 'id' = :id""")
            .param("id", alert.toString())
            .query(UUID.class)
            .list()).containsExactly(customer);
        await("the opened e-mail", WAIT, () -> mailsTo(address).size() == 1);
        await("the opened webhook", WAIT, () -> calls(hook).size() == 1);

        NotificationServers.Call opened = calls(hook).getFirst();
        assertThat(verdict(secret, opened)).isEqualTo(WebhookVerification.Verdict.VALID);
        assertThat(opened.header("X-EDP-Timestamp")).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(JsonPath.<String>read(opened.text(), "$.event")).isEqualTo("alert.opened");
        assertThat(JsonPath.<String>read(opened.text(), "$.alert.id")).isEqualTo(alert.toString());
        assertThat(JsonPath.<String>read(opened.text(), "$.alert.type")).isEqualTo("DEVICE_OFFLINE");
        await("the sent counter", WAIT,
                () -> meters.counter("edp.notifications.sent", "channel", "EMAIL").count() >= mailsSent + 1);
        MimeMessage mail = mailsTo(address).getFirst();
        assertThat(mail.getSubject()).contains("DEVICE_OFFLINE").contains(device.toString());

        // Many evaluations later, still one alert and one notification per channel, both
        // sent.
        for (int i = 0; i < 5; i++) {
            alertService.evaluate();
        }
        assertThat(alerts(device)).hasSize(1);
        await("both opened notifications sent", WAIT, () -> statuses(alert).equals(List.of("SENT", "SENT")));
        assertThat(mailsTo(address)).hasSize(1);
        assertThat(calls(hook)).hasSize(1);
        HttpResponse<String> listed = send("GET", "/alerts?state=OPEN&type=DEVICE_OFFLINE", viewer, null);
        assertThat(JsonPath.<List<String>>read(listed.body(), "$.items[*].id")).containsExactly(alert.toString());

        // Back: the alert resolves and both channels hear it. The clock stands still, so
        // the device stays online however long the machine takes.
        heartbeat(device);
        await("the resolution", WAIT, () -> openAlerts(device).isEmpty());
        assertThat(count("SELECT count(*) FROM live_event WHERE type = 'alert.resolved' AND data ->> 'id' = :id", "id",
                alert.toString()))
            .isEqualTo(1);
        await("the resolved e-mail", WAIT, () -> mailsTo(address).size() == 2);
        await("the resolved webhook", WAIT, () -> calls(hook).size() == 2);
        NotificationServers.Call resolved = calls(hook).get(1);
        assertThat(verdict(secret, resolved)).isEqualTo(WebhookVerification.Verdict.VALID);
        assertThat(JsonPath.<String>read(resolved.text(), "$.event")).isEqualTo("alert.resolved");
        assertThat(JsonPath.<String>read(resolved.text(), "$.alert.state")).isEqualTo("RESOLVED");
        assertThat(JsonPath.<String>read(send("GET", "/alerts/" + alert, viewer, null).body(), "$.state"))
            .isEqualTo("RESOLVED");

        // Flapping within the quiet period (15 min): a new alert, but nobody is told
        // again.
        clock.advance(SILENCE);
        await("the second offline alert", WAIT, () -> openAlerts(device).size() == 1);
        UUID second = openAlerts(device).getFirst();
        heartbeat(device);
        await("the second resolution", WAIT, () -> openAlerts(device).isEmpty());
        // Suppressed notifications are final when written (in the alert's transactions):
        // never sent.
        assertThat(statuses(second)).containsOnly("SUPPRESSED").hasSize(4);
        await("every notification of the first alert sent", WAIT,
                () -> statuses(alert).equals(List.of("SENT", "SENT", "SENT", "SENT")));
        assertThat(alerts(device)).containsExactlyInAnyOrder(alert, second);
        assertThat(mailsTo(address)).hasSize(2);
        assertThat(calls(hook)).hasSize(2);
    }

    /**
     * Delivery is at least once: a sender killed after the SMTP server or the webhook
     * took a notification, before it stored SENT, sends it again. The second attempt
     * carries the same e-mail {@code Message-ID} and webhook {@code X-EDP-Delivery}, so
     * the receiver can keep one; another notification's differ.
     */
    @Test
    void aNotificationSentAgainAfterACrashCarriesTheSameMessageIdAndDeliveryId() throws Exception {
        String address = "again-" + customer + "@acme.test";
        String hook = "/hooks/again-" + customer;
        offlineAlertsToMailAndHook(address, hook);
        UUID device = UUID.randomUUID();
        heartbeat(device);
        clock.advance(SILENCE);
        await("the offline alert", WAIT, () -> openAlerts(device).size() == 1);
        UUID alert = openAlerts(device).getFirst();
        await("both opened notifications sent", WAIT, () -> statuses(alert).equals(List.of("SENT", "SENT")));

        // What a crash between sending and storing SENT leaves behind.
        jdbc.sql("UPDATE notification SET status = 'PENDING', next_attempt_at = created_at WHERE alert_id = :a")
            .param("a", alert)
            .update();
        await("the e-mail sent again", WAIT, () -> mailsTo(address).size() == 2);
        await("the webhook called again", WAIT, () -> calls(hook).size() == 2);
        List<MimeMessage> mails = mailsTo(address);
        assertThat(mails.get(0).getMessageID()).startsWith("<edp-notification-").isEqualTo(mails.get(1).getMessageID());
        assertThat(calls(hook).get(0).header("X-EDP-Delivery")).isNotBlank()
            .isEqualTo(calls(hook).get(1).header("X-EDP-Delivery"));

        // The resolution is another notification: another id.
        heartbeat(device);
        await("the resolved e-mail", WAIT, () -> mailsTo(address).size() == 3);
        await("the resolved webhook", WAIT, () -> calls(hook).size() == 3);
        assertThat(mailsTo(address).get(2).getMessageID()).isNotEqualTo(mails.get(0).getMessageID());
        assertThat(calls(hook).get(2).header("X-EDP-Delivery"))
            .isNotEqualTo(calls(hook).get(0).header("X-EDP-Delivery"));
    }

    @Test
    void webhookIsSignedOverItsTimeAndAReceiverRefusesAReplayedOrAlteredCall() throws Exception {
        String path = "/verified/" + customer;
        String secret = "chosen-by-the-customer-" + customer;
        NotificationServers.SECRETS.put(path, secret);
        createChannel("{\"name\":\"Verified\",\"type\":\"WEBHOOK\",\"url\":\"" + NotificationServers.hookUrl(path)
                + "\",\"secret\":\"" + secret + "\"}");
        UUID device = UUID.randomUUID();

        deploymentFailed(device);

        // SENT means the verifying receiver answered 204: fresh, correctly signed, first
        // time.
        await("the delivery", WAIT, () -> "SENT".equals(notificationStatus(device)));
        NotificationServers.Call delivered = calls(path).getFirst();
        assertThat(delivered.verdict()).isEqualTo(WebhookVerification.Verdict.VALID);
        assertThat(delivered.header("X-EDP-Timestamp")).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(delivered.header("X-EDP-Signature")).matches("v1=[0-9a-f]{64}");
        // The secret is stored encrypted, never as given.
        assertThat(jdbc.sql("SELECT encode(secret_encrypted, 'escape') FROM notification_channel WHERE url = :url")
            .param("url", NotificationServers.hookUrl(path))
            .query(String.class)
            .single()).doesNotContain(secret);

        // Someone who captured the call sends it again: the same delivery is refused at
        // once...
        assertThat(replay(delivered, Map.of())).isEqualTo(409);
        // ...and after the tolerance, when the receiver no longer remembers it, by its
        // old timestamp.
        NotificationServers.ACCEPTED.clear();
        NotificationServers.receiverOffset = WebhookVerification.TOLERANCE.plusMinutes(5);
        try {
            assertThat(replay(delivered, Map.of())).isEqualTo(401);
            assertThat(calls(path).getLast().verdict()).isEqualTo(WebhookVerification.Verdict.STALE_TIMESTAMP);
            // A fresh timestamp does not help: the signature covers it.
            String now = Long.toString(NotificationServers.receiverNow().getEpochSecond());
            assertThat(replay(delivered, Map.of("X-EDP-Timestamp", now))).isEqualTo(401);
            assertThat(calls(path).getLast().verdict()).isEqualTo(WebhookVerification.Verdict.BAD_SIGNATURE);
        }
        finally {
            NotificationServers.receiverOffset = Duration.ZERO;
        }
    }

    @Test
    void failingWebhookIsRetriedWithBackoffAndGivenUpAfterTheLimit() throws Exception {
        String hook = "/hooks/failing-" + customer;
        NotificationServers.STATUS.put(hook, 500);
        String secret = "a-secret-of-some-length";
        createChannel("{\"name\":\"Broken\",\"type\":\"WEBHOOK\",\"url\":\"" + NotificationServers.hookUrl(hook)
                + "\",\"secret\":\"" + secret + "\"}");
        double failedBefore = meters.counter("edp.notifications.failed", "channel", "WEBHOOK").count();
        UUID device = UUID.randomUUID();

        deploymentFailed(device);

        // 100 ms, doubling, at most 400 ms between attempts (test settings), on the
        // service's clock.
        assertThat(driveRetriesUntilFailed(device)).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(400), Duration.ofMillis(400));
        assertThat(calls(hook)).hasSize(5);
        var row = jdbc.sql("""
                SELECT n.attempts, n.last_error FROM notification n JOIN alert a ON a.id = n.alert_id
                WHERE a.device_id = :device""").param("device", device).query().singleRow();
        assertThat(row.get("attempts")).isEqualTo(5);
        assertThat((String) row.get("last_error")).contains("HTTP 500");
        assertThat(meters.counter("edp.notifications.failed", "channel", "WEBHOOK").count())
            .isEqualTo(failedBefore + 1);
        // Every attempt signed, each over its own time.
        assertThat(calls(hook))
            .allSatisfy(call -> assertThat(verdict(secret, call)).isEqualTo(WebhookVerification.Verdict.VALID));
        assertThat(calls(hook)).extracting(call -> call.header("X-EDP-Delivery"))
            .containsOnly(calls(hook).getFirst().header("X-EDP-Delivery"));
    }

    @Test
    void webhookRedirectIsNotFollowed() throws Exception {
        String hook = "/hooks/redirecting-" + customer;
        String target = "/hooks/redirect-target-" + customer;
        NotificationServers.STATUS.put(hook, 307);
        NotificationServers.LOCATION.put(hook, NotificationServers.hookUrl(target));
        createChannel(
                "{\"name\":\"Moved\",\"type\":\"WEBHOOK\",\"url\":\"" + NotificationServers.hookUrl(hook) + "\"}");
        UUID device = UUID.randomUUID();

        deploymentFailed(device);

        driveRetriesUntilFailed(device);
        assertThat(calls(hook)).hasSize(5);
        assertThat(calls(target)).isEmpty();
        assertThat(jdbc.sql("""
                SELECT n.last_error FROM notification n JOIN alert a ON a.id = n.alert_id
                WHERE a.device_id = :device""").param("device", device).query(String.class).single())
            .contains("HTTP 307");
    }

    @Test
    void unhealthyServiceOpensAPlatformAlertForSupportOnlyAndResolvesWhenItIsBack() throws Exception {
        String instance = "monitoring-" + UUID.randomUUID();
        int supportMails = mailsTo(NotificationServers.SUPPORT_EMAIL).size();
        events.publishEvent(new ServiceHealthChanged("monitoring", instance, "http://x/actuator/health", false,
                "HTTP 503", clock.instant()));
        String subject = "monitoring/" + instance;
        UUID alert = jdbc
            .sql("SELECT id FROM alert WHERE type = 'SERVICE_DOWN' AND subject = :s AND resolved_at IS NULL")
            .param("s", subject)
            .query(UUID.class)
            .single();
        assertThat(jdbc.sql("SELECT customer_id FROM alert WHERE id = :id")
            .param("id", alert)
            .query(UUID.class)
            .optional()).isEmpty();
        // Down again while down: still one alert.
        events.publishEvent(new ServiceHealthChanged("monitoring", instance, "http://x/actuator/health", false,
                "timeout", clock.instant()));
        assertThat(count("SELECT count(*) FROM alert WHERE subject = :s", "s", subject)).isEqualTo(1);

        await("the support e-mail", WAIT, () -> mailsTo(NotificationServers.SUPPORT_EMAIL).size() == supportMails + 1);
        await("the support webhook", WAIT, () -> calls(NotificationServers.SUPPORT_HOOK).stream()
            .anyMatch(call -> call.text().contains(alert.toString())));
        NotificationServers.Call call = calls(NotificationServers.SUPPORT_HOOK).stream()
            .filter(c -> c.text().contains(alert.toString()))
            .findFirst()
            .orElseThrow();
        assertThat(verdict(NotificationServers.SUPPORT_SECRET, call)).isEqualTo(WebhookVerification.Verdict.VALID);

        // Customers do not see platform alerts; platform admins do.
        ServiceSmokeChecks.assertProblem(send("GET", "/alerts/" + alert, viewer, null), 404, "NOT_FOUND");
        String platformAdmin = TestJwtIssuer.token("root", null, "platform-admin");
        assertThat(send("GET", "/alerts/" + alert, platformAdmin, null).statusCode()).isEqualTo(200);

        events.publishEvent(new ServiceHealthChanged("monitoring", instance, "http://x/actuator/health", true,
                "HTTP 200", clock.instant()));
        assertThat(JsonPath.<String>read(send("GET", "/alerts/" + alert, platformAdmin, null).body(), "$.state"))
            .isEqualTo("RESOLVED");
        await("the support resolved e-mail", WAIT,
                () -> mailsTo(NotificationServers.SUPPORT_EMAIL).size() == supportMails + 2);
    }

    /**
     * Moves the frozen clock to each retry's due time once the failed attempt is
     * recorded, until the notification of the device's alert is FAILED.
     * @return the wait the sender chose after each failed attempt
     */
    List<Duration> driveRetriesUntilFailed(UUID device) throws InterruptedException {
        List<Duration> waits = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Map<String, Object> row = jdbc.sql("""
                    SELECT n.status, n.attempts, n.next_attempt_at FROM notification n JOIN alert a ON a.id = n.alert_id
                    WHERE a.device_id = :device""").param("device", device).query().singleRow();
            if ("FAILED".equals(row.get("status"))) {
                return waits;
            }
            int attempts = ((Number) row.get("attempts")).intValue();
            Instant due = ((Timestamp) row.get("next_attempt_at")).toInstant();
            if (attempts > waits.size()) {
                // Recorded at the (frozen) time of the failed attempt: the wait is due -
                // now.
                waits.add(Duration.between(clock.instant(), due));
                clock.advance(Duration.between(clock.instant(), due));
            }
            assertThat(System.nanoTime()).as("the notification to fail within " + WAIT).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    static WebhookVerification.Verdict verdict(String secret, NotificationServers.Call call) {
        return WebhookVerification.verify(secret, call.header("X-EDP-Timestamp"), call.header("X-EDP-Signature"),
                call.body(), call.receivedAt());
    }

    /** Sends a received call again as it was, with some headers replaced. */
    static int replay(NotificationServers.Call call, Map<String, String> replaced) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(NotificationServers.hookUrl(call.path())))
            .POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
        for (String name : List.of("Content-Type", "X-EDP-Timestamp", "X-EDP-Signature", "X-EDP-Delivery")) {
            request.header(name, replaced.getOrDefault(name, call.header(name)));
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    String notificationStatus(UUID device) {
        return jdbc.sql("""
                SELECT n.status FROM notification n JOIN alert a ON a.id = n.alert_id
                WHERE a.device_id = :device""").param("device", device).query(String.class).optional().orElse(null);
    }

    void deploymentFailed(UUID device) {
        HttpResponse<String> response = send("POST", "/internal/device-events", TestJwtIssuer.serviceToken(), """
                {"events":[{"deviceId":"%s","customerId":"%s","type":"DEPLOYMENT_FAILED",
                 "detail":"opcua: reconciliation failed","at":"%s"}]}""".formatted(device, customer, clock.instant()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    @Test
    void aTestSendReachesTheChannelAtOnceSignedAndAFailingTargetSaysWhy() throws Exception {
        String address = "test-" + customer + "@acme.test";
        String mailChannel = JsonPath.read(
                createChannel("{\"name\":\"Test mail\",\"type\":\"EMAIL\",\"emails\":[\"" + address + "\"]}"), "$.id");
        String hook = "/hooks/test-" + customer;
        String created = createChannel(
                "{\"name\":\"Test hook\",\"type\":\"WEBHOOK\",\"url\":\"" + NotificationServers.hookUrl(hook) + "\"}");
        String hookChannel = JsonPath.read(created, "$.id");
        String secret = JsonPath.read(created, "$.secret");

        assertThat(send("POST", "/notification-channels/" + mailChannel + "/test", admin, null).statusCode())
            .isEqualTo(204);
        assertThat(mailsTo(address)).hasSize(1);
        assertThat(mailsTo(address).getFirst().getSubject()).startsWith("[EDP] Test");
        assertThat(send("POST", "/notification-channels/" + hookChannel + "/test", admin, null).statusCode())
            .isEqualTo(204);
        assertThat(calls(hook)).hasSize(1);
        NotificationServers.Call call = calls(hook).getFirst();
        assertThat(verdict(secret, call)).as("signed as every notification")
            .isEqualTo(WebhookVerification.Verdict.VALID);
        assertThat(JsonPath.<String>read(call.text(), "$.event")).isEqualTo("test");
        // Nothing goes through the outbox.
        assertThat(jdbc.sql("SELECT count(*) FROM notification WHERE channel_id = :id")
            .param("id", UUID.fromString(hookChannel))
            .query(Integer.class)
            .single()).isZero();

        NotificationServers.STATUS.put(hook, 500);
        HttpResponse<String> failed = send("POST", "/notification-channels/" + hookChannel + "/test", admin, null);
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(JsonPath.<String>read(failed.body(), "$.code")).isEqualTo("CHANNEL_TEST_FAILED");
        assertThat(JsonPath.<String>read(failed.body(), "$.detail")).contains("500");

        // Only the channel's customer admins: another customer's channel is unknown, an
        // operator is refused.
        assertThat(send("POST", "/notification-channels/" + mailChannel + "/test",
                TestJwtIssuer.token("eve", UUID.randomUUID(), "customer-admin"), null)
            .statusCode()).isEqualTo(404);
        assertThat(send("POST", "/notification-channels/" + mailChannel + "/test",
                TestJwtIssuer.token("otto", customer, "operator"), null)
            .statusCode()).isEqualTo(403);
        assertThat(mailsTo(address)).hasSize(1);
    }

    String createChannel(String json) {
        HttpResponse<String> response = send("POST", "/notification-channels", admin, json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body();
    }

    void heartbeat(UUID device) {
        assertThat(Devices
            .post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat", Devices.heartbeat(10, 1))
            .statusCode()).isEqualTo(202);
        buffer.flush();
    }

    List<UUID> openAlerts(UUID device) {
        return jdbc.sql("SELECT id FROM alert WHERE device_id = :d AND resolved_at IS NULL")
            .param("d", device)
            .query(UUID.class)
            .list();
    }

    List<UUID> alerts(UUID device) {
        return jdbc.sql("SELECT id FROM alert WHERE device_id = :d").param("d", device).query(UUID.class).list();
    }

    /**
     * The customer wants an alert as soon as a device is OFFLINE, by e-mail and webhook.
     * @return the webhook channel's secret
     */
    String offlineAlertsToMailAndHook(String address, String hook) {
        assertThat(send("PUT", "/alert-rules", admin,
                "{\"rules\":[{\"type\":\"DEVICE_OFFLINE\",\"enabled\":true,\"threshold\":0}]}")
            .statusCode()).isEqualTo(200);
        createChannel("{\"name\":\"Ops mail\",\"type\":\"EMAIL\",\"emails\":[\"" + address + "\"]}");
        return JsonPath.read(createChannel(
                "{\"name\":\"Ops hook\",\"type\":\"WEBHOOK\",\"url\":\"" + NotificationServers.hookUrl(hook) + "\"}"),
                "$.secret");
    }

    List<String> statuses(UUID alert) {
        return jdbc.sql("SELECT status FROM notification WHERE alert_id = :a ORDER BY id")
            .param("a", alert)
            .query(String.class)
            .list();
    }

    HttpResponse<String> send(String method, String path, String token, String json) {
        return ServiceSmokeChecks.send(method, checks.baseUrl() + "/api/monitoring/v1" + path,
                json == null ? null : "application/json", json, token);
    }

}
