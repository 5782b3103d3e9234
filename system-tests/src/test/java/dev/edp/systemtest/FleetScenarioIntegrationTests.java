package dev.edp.systemtest;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.agent.AgentOptions;
import dev.edp.agent.ContainerStatus;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.DeviceStore;
import dev.edp.agent.E3Trust;
import dev.edp.agent.ExitReason;
import dev.edp.test.mail.Mails;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One device's whole life through real parts only: the real Keycloak, the embedded
 * PostgreSQL, every service started by the launcher, E3 with real mTLS, and the device
 * agent library on the device side. Customer B's operator watches every step and sees
 * nothing of customer A's.
 */
@ExtendWith(RunningPlatform.class)
class FleetScenarioIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(60);

    static PlatformUsers users;

    @BeforeAll
    static void setUp(PlatformUsers shared) {
        users = shared;
    }

    @Test
    void aDeviceLivesThroughOnboardingReleasesPromotionRenewalAnOutageAndDecommissioning(@TempDir Path agentDir)
            throws Exception {
        // 1. The platform admin creates two customers; A gets a customer-admin and an
        // operator.
        String admin = users.platformAdmin();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String customerA = users.createCustomer(admin, "fleet-a-" + suffix);
        String customerB = users.createCustomer(admin, "fleet-b-" + suffix);
        String adminOfA = users.createUserAndLogIn(admin, customerA, "fleet-admin-a-" + suffix, "customer-admin");
        String operatorOfA = users.createUserAndLogIn(adminOfA, customerA, "fleet-op-a-" + suffix, "operator");
        String operatorOfB = users.createUserAndLogIn(admin, customerB, "fleet-op-b-" + suffix, "operator");

        // A's customer-admin wants an e-mail as soon as a device goes offline.
        String opsMail = "ops-" + suffix + "@fleet-a.example";
        Calls.expect(send("PUT", users.monitoring("/alert-rules"), "application/json",
                "{\"rules\":[{\"type\":\"DEVICE_OFFLINE\",\"enabled\":true,\"threshold\":0}]}", adminOfA), 200);
        Calls.expect(send("POST", users.monitoring("/notification-channels"), "application/json",
                "{\"name\":\"ops\",\"type\":\"EMAIL\",\"emails\":[\"" + opsMail + "\"]}", adminOfA), 201);

        // 2. The operator creates a machine and an onboarding token; the agent onboards
        // through E3.
        String machineId = Calls.createdId(send("POST", users.masterdata("/machines"), "application/json",
                PlatformUsers.machine("SN-" + suffix), operatorOfA));
        HttpResponse<String> token = Calls
            .expect(send("POST", users.platform().gatewayUrl() + "/api/onboarding/v1/tokens", "application/json",
                    "{\"deviceName\":\"press-" + suffix + "\",\"environment\":\"TESTING\",\"machineId\":\"" + machineId
                            + "\"}",
                    operatorOfA), 201);
        String deviceId = JsonPath.read(token.body(), "$.deviceId");
        assertThat(JsonPath.<String>read(
                Calls.expect(send("GET", users.devices("/devices/" + deviceId), null, null, operatorOfA), 200).body(),
                "$.lifecycle"))
            .isEqualTo("PENDING_ONBOARDING");
        assertNotVisibleToB(operatorOfB, deviceId);

        AgentOptions options = AgentOptions.defaults()
            .withHeartbeatInterval(Duration.ofSeconds(2))
            .withLongPollSeconds(10)
            .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(2));
        DeviceStore store = new DeviceStore(agentDir.resolve("device"));
        DeviceAgent agent = DeviceAgent.onboard(URI.create(users.platform().e3Url()),
                E3Trust.fromPem(users.platform().e3TrustFile()), JsonPath.read(token.body(), "$.token"), store,
                options);
        assertThat(agent.identity().deviceId()).hasToString(deviceId);
        agent.start();
        String[] releases = new String[2];
        try {
            // 3. ACTIVE (onboarding told device-management), ONLINE (from monitoring),
            // machine assigned.
            String device = Await.answer("device ACTIVE and ONLINE", WAIT,
                    () -> send("GET", users.devices("/devices/" + deviceId), null, null, operatorOfA),
                    body -> "ACTIVE".equals(JsonPath.read(body, "$.lifecycle"))
                            && "ONLINE".equals(JsonPath.read(body, "$.connectivity")));
            assertThat(JsonPath.<String>read(device, "$.machineId")).isEqualTo(machineId);
            assertThat(JsonPath.<String>read(device, "$.certificateSerial")).isEqualTo(agent.identity().serial());
            assertNotVisibleToB(operatorOfB, deviceId);

            // 4. An application and two releases; pinning TESTING wakes the device's
            // long-poll, it reports ready.
            String application = Calls.createdId(send("POST", users.devices("/applications"), "application/json",
                    "{\"name\":\"press-monitor\",\"imageRepository\":\"registry.example.com/acme/press-monitor\","
                            + "\"ports\":[\"8080:8080\"],\"restartPolicy\":\"unless-stopped\"}",
                    operatorOfA));
            String first = Calls.release(users.devices(""), operatorOfA, application, "1.0.0");
            String second = Calls.release(users.devices(""), operatorOfA, application, "1.1.0");
            releases[0] = first;
            releases[1] = second;
            Calls.expect(send("PUT", users.devices("/environments/TESTING/release"), "application/json",
                    "{\"releaseId\":\"" + first + "\"}", operatorOfA), 200);
            awaitRunning(agent, first);
            Await.answer("ready reported to device-management", WAIT,
                    () -> send("GET", users.devices("/devices/" + deviceId + "/containers"), null, null, operatorOfA),
                    body -> first.equals(JsonPath.read(body, "$.releaseId")) && body.contains("\"state\":\"ready\""));
            assertProblem(send("GET", users.devices("/devices/" + deviceId + "/containers"), null, null, operatorOfB),
                    404, "NOT_FOUND");

            // 5. Into STAGING: the operator asks, cannot approve; the customer-admin
            // approves; the device follows.
            Calls.expect(send("PUT", users.devices("/environments/TESTING/release"), "application/json",
                    "{\"releaseId\":\"" + second + "\"}", operatorOfA), 200);
            HttpResponse<String> current = Calls
                .expect(send("GET", users.devices("/devices/" + deviceId), null, null, operatorOfA), 200);
            Calls.expect(sendWithIfMatch("POST", users.devices("/devices/" + deviceId + "/environment"),
                    "{\"environment\":\"STAGING\"}", operatorOfA, current.headers().firstValue("ETag").orElseThrow()),
                    200);
            String promotion = Calls.createdId(send("POST", users.devices("/promotions"), "application/json",
                    "{\"targetEnvironment\":\"STAGING\"}", operatorOfA));
            assertThat(send("POST", users.devices("/promotions/" + promotion + "/approve"), "application/json", "{}",
                    operatorOfA)
                .statusCode()).isEqualTo(403);
            assertThat(send("POST", users.devices("/promotions/" + promotion + "/approve"), "application/json", "{}",
                    operatorOfB)
                .statusCode()).isIn(403, 404);
            assertProblem(send("GET", users.devices("/promotions/" + promotion), null, null, operatorOfB), 404,
                    "NOT_FOUND");
            assertThat(JsonPath.<String>read(
                    send("GET", users.devices("/promotions/" + promotion), null, null, operatorOfA).body(), "$.status"))
                .isEqualTo("REQUESTED");
            Calls.expect(send("POST", users.devices("/promotions/" + promotion + "/approve"), "application/json", "{}",
                    adminOfA), 200);
            awaitRunning(agent, second);
            // Four eyes also for customer-admins: nobody approves their own request.
            String production = Calls.createdId(send("POST", users.devices("/promotions"), "application/json",
                    "{\"targetEnvironment\":\"PRODUCTION\"}", adminOfA));
            assertProblem(send("POST", users.devices("/promotions/" + production + "/approve"), "application/json",
                    "{}", adminOfA), 403, "SELF_APPROVAL");

            // 6. The agent renews its certificate (same device) and keeps heartbeating
            // with the new one.
            String oldSerial = agent.identity().serial();
            agent.renew();
            String newSerial = agent.identity().serial();
            assertThat(newSerial).isNotEqualTo(oldSerial);
            assertThat(agent.identity().deviceId()).hasToString(deviceId);
            Instant renewedAt = Instant.now();
            Await.until("a heartbeat with the renewed certificate", WAIT,
                    () -> agent.lastHeartbeat() != null && agent.lastHeartbeat().isAfter(renewedAt));
            Await.answer("the new serial in device-management", WAIT,
                    () -> send("GET", users.devices("/devices/" + deviceId), null, null, operatorOfA),
                    body -> newSerial.equals(JsonPath.read(body, "$.certificateSerial")));
        }
        finally {
            agent.stop();
        }

        // 7. The device falls silent: offline, one alert, one e-mail; it comes back:
        // online, alert resolved.
        Await.answer("device OFFLINE", WAIT,
                () -> send("GET", users.devices("/devices/" + deviceId), null, null, operatorOfA),
                body -> "OFFLINE".equals(JsonPath.read(body, "$.connectivity")));
        String alerts = users.monitoring("/alerts?type=DEVICE_OFFLINE&customerId=" + customerA);
        Await.answer("an open offline alert", WAIT, () -> send("GET", alerts, null, null, operatorOfA),
                body -> JsonPath
                    .<List<?>>read(body, "$.items[?(@.deviceId == '" + deviceId + "' && @.state == 'OPEN')]")
                    .size() == 1);
        Await.until("an e-mail to " + opsMail, WAIT, () -> !mailsTo(opsMail).isEmpty());
        assertThat(mailsTo(opsMail)).hasSize(1);
        assertThat(send("GET", users.monitoring("/alerts"), null, null, operatorOfB).body()).doesNotContain(deviceId);

        DeviceAgent again = DeviceAgent.open(store, options);
        again.start();
        try {
            Await.answer("device ONLINE again", WAIT,
                    () -> send("GET", users.devices("/devices/" + deviceId), null, null, operatorOfA),
                    body -> "ONLINE".equals(JsonPath.read(body, "$.connectivity")));
            Await.answer("the offline alert resolved", WAIT, () -> send("GET", alerts, null, null, operatorOfA),
                    body -> JsonPath
                        .<List<?>>read(body, "$.items[?(@.deviceId == '" + deviceId + "' && @.state == 'OPEN')]")
                        .isEmpty());

            // 8. Decommissioning revokes the certificate: E3 refuses the agent within
            // seconds and it stops.
            HttpResponse<String> current = Calls
                .expect(send("GET", users.devices("/devices/" + deviceId), null, null, operatorOfA), 200);
            assertProblem(sendWithIfMatch("POST", users.devices("/devices/" + deviceId + "/decommission"), "{}",
                    operatorOfB, current.headers().firstValue("ETag").orElseThrow()), 404, "NOT_FOUND");
            Instant decommissioned = Instant.now();
            Calls.expect(sendWithIfMatch("POST", users.devices("/devices/" + deviceId + "/decommission"), "{}",
                    operatorOfA, current.headers().firstValue("ETag").orElseThrow()), 200);
            assertThat(again.awaitExit(Duration.ofSeconds(10))).isEqualTo(ExitReason.REVOKED);
            assertThat(Duration.between(decommissioned, Instant.now())).isLessThan(Duration.ofSeconds(10));
        }
        finally {
            again.stop();
        }
        assertThat(JsonPath.<String>read(
                send("GET", users.devices("/devices/" + deviceId), null, null, operatorOfA).body(), "$.lifecycle"))
            .isEqualTo("DECOMMISSIONED");

        // 9. Customer B saw none of it.
        assertNotVisibleToB(operatorOfB, deviceId);
        assertThat(send("GET", users.devices("/releases"), null, null, operatorOfB).body()).doesNotContain(releases);
        assertThat(send("GET", users.devices("/applications"), null, null, operatorOfB).body())
            .doesNotContain("press-monitor");
    }

    private static void awaitRunning(DeviceAgent agent, String releaseId) throws InterruptedException {
        Await.until("the device runs release " + releaseId, WAIT,
                () -> agent.desiredState() != null && agent.desiredState().releaseId() != null
                        && releaseId.equals(agent.desiredState().releaseId().toString())
                        && !agent.containers().isEmpty()
                        && agent.containers().stream().allMatch(c -> ContainerStatus.READY.equals(c.state())));
    }

    private static void assertNotVisibleToB(String operatorOfB, String deviceId) {
        assertProblem(send("GET", users.devices("/devices/" + deviceId), null, null, operatorOfB), 404, "NOT_FOUND");
        assertThat(send("GET", users.devices("/devices?limit=200"), null, null, operatorOfB).body())
            .doesNotContain(deviceId);
        assertThat(
                send("GET", users.monitoring("/devices/" + deviceId + "/status"), null, null, operatorOfB).statusCode())
            .isEqualTo(404);
    }

    private static List<MimeMessage> mailsTo(String address) {
        return Mails.to(users.platform().mail().getReceivedMessages(), address);
    }

    private static HttpResponse<String> sendWithIfMatch(String method, String url, String body, String token,
            String etag) {
        return send(method, url, "application/json", body, token, Map.of("If-Match", etag));
    }

}
