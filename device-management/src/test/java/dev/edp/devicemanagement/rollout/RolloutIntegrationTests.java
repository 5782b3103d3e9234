package dev.edp.devicemanagement.rollout;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.jayway.jsonpath.JsonPath;
import dev.edp.devicemanagement.AbstractApiIntegrationTests;
import dev.edp.devicemanagement.Api;
import dev.edp.devicemanagement.TestBackends;
import dev.edp.devicemanagement.TestDevices;
import dev.edp.test.security.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;

import static dev.edp.devicemanagement.Api.customerAdmin;
import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.Api.readOrNull;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Phased rollouts over real HTTP against a real PostgreSQL: every transition, the
 * scheduler's decisions (its pass is called directly; its own schedule is set to an hour
 * here), time from a settable clock instead of waiting.
 */
@Import(RolloutIntegrationTests.ClockConfig.class)
@TestPropertySource(properties = "edp.device-management.rollouts.evaluate-interval=1h")
class RolloutIntegrationTests extends AbstractApiIntegrationTests {

    /** Generous: CI runs on a loaded 2-core machine. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @TestConfiguration(proxyBeanMethods = false)
    static class ClockConfig {

        @Bean
        @Primary
        SettableClock testClock() {
            return new SettableClock();
        }

    }

    @Autowired
    RolloutScheduler scheduler;

    @Autowired
    RolloutRepository repository;

    @Autowired
    RolloutService service;

    @Autowired
    SettableClock clock;

    @Autowired
    ApplicationContext context;

    // --- helpers

    UUID device(UUID customer, String name, String connectivity) {
        UUID device = activeDevice(customer, name);
        jdbc.sql("UPDATE device SET connectivity = :connectivity WHERE id = :id")
            .param("id", device)
            .param("connectivity", connectivity)
            .update();
        return device;
    }

    /** Two groups of one device each. */
    static final String ONE_EACH = "[{\"size\":\"1\"},{\"size\":\"1\"}]";

    /**
     * A release of the customer and two of its devices: the first ONLINE, the second
     * OFFLINE, so a plan's groups take them in this order.
     */
    record OnlineFirst(UUID release, UUID first, UUID second) {
    }

    OnlineFirst onlineFirst(String releaseName) {
        return new OnlineFirst(api.release(customer, "app", releaseName),
                device(customer, releaseName + "-online", "ONLINE"),
                device(customer, releaseName + "-offline", "OFFLINE"));
    }

    static String body(UUID release, String environment, String groups, String extra) {
        return """
                {"releaseId":"%s","environment":"%s","groups":%s%s}""".formatted(release, environment, groups,
                extra == null ? "" : "," + extra);
    }

    HttpResponse<String> start(UUID customer, String body) {
        return api.post("/rollouts", operator(customer), body);
    }

    UUID started(UUID customer, String body) {
        HttpResponse<String> created = start(customer, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location"))
            .hasValue("/api/devices/v1/rollouts/" + read(created, "$.id"));
        return UUID.fromString(read(created, "$.id"));
    }

    HttpResponse<String> rollout(UUID customer, UUID id) {
        HttpResponse<String> read = api.get("/rollouts/" + id, viewer(customer));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        return read;
    }

    String status(UUID customer, UUID id) {
        return read(rollout(customer, id), "$.status");
    }

    void report(UUID device, UUID customer, UUID release, String state, String message) {
        HttpResponse<String> reported = TestDevices.reportState(checks.baseUrl(), device, customer, """
                {"agentVersion":"1.0","osVersion":"Debian 13","releaseId":"%s","containers":[
                  {"name":"web","image":"registry.example.com/edp/web:1","state":"%s","message":"%s"}]}"""
            .formatted(release, state, message));
        assertThat(reported.statusCode()).as(reported.body()).isEqualTo(204);
    }

    List<String> devicesOf(UUID customer, UUID rollout, String query) {
        HttpResponse<String> page = api.get("/rollouts/" + rollout + "/devices?limit=500" + query, viewer(customer));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return read(page, "$.items[*].deviceId");
    }

    String deviceStatus(UUID customer, UUID rollout, UUID device) {
        List<String> statuses = read(api.get("/rollouts/" + rollout + "/devices?limit=500", viewer(customer)),
                "$.items[?(@.deviceId == '" + device + "')].status");
        return statuses.getFirst();
    }

    int rows(String table, UUID customer) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE customer_id = :customer")
            .param("customer", customer)
            .query(Integer.class)
            .single();
    }

    static String md5(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The events monitoring received about the rollout. */
    static List<Map<String, Object>> eventsFor(UUID rollout) {
        List<Map<String, Object>> events = new ArrayList<>();
        TestBackends.MONITORING.received()
            .stream()
            .filter(received -> received.pathAndQuery().equals("/api/monitoring/v1/internal/device-events"))
            .forEach(received -> events
                .addAll(JsonPath.read(received.body(), "$.events[?(@.rolloutId == '" + rollout + "')]")));
        return events;
    }

    // --- tests

    @Test
    void groupsFillOnlineDevicesFirstInAStableOrderAndEachSuccessStartsTheNextUntilTheEnvironmentIsPinned()
            throws Exception {
        UUID old = api.release(customer, "app", "r0");
        api.pinTesting(customer, old);
        UUID release = api.release(customer, "app", "r1");
        List<UUID> online = List.of(device(customer, "on-1", "ONLINE"), device(customer, "on-2", "ONLINE"));
        List<UUID> offline = List.of(device(customer, "off-1", "OFFLINE"), device(customer, "off-2", "UNKNOWN"),
                device(customer, "off-3", "OFFLINE"));
        UUID id = started(customer,
                body(release, "TESTING", "[{\"size\":\"40%\"},{\"size\":\"1\"},{\"size\":\"1\"}]", null));

        HttpResponse<String> created = rollout(customer, id);
        assertThat((String) read(created, "$.status")).isEqualTo("RUNNING");
        assertThat((String) read(created, "$.previousReleaseId")).isEqualTo(old.toString());
        assertThat((String) read(created, "$.releaseName")).isEqualTo("r1");
        assertThat((Integer) read(created, "$.total")).isEqualTo(5);
        assertThat((Integer) read(created, "$.activeGroup")).isEqualTo(0);
        assertThat((List<Integer>) read(created, "$.groups[*].plannedSize")).containsExactly(2, 1, 2);
        assertThat((List<String>) read(created, "$.groups[*].status")).containsExactly("ACTIVE", "PENDING", "PENDING");
        assertThat((Integer) read(created, "$.groups[0].counts.assigned")).isEqualTo(2);
        assertThat((Integer) read(created, "$.groups[2].counts.pending")).isEqualTo(2);
        assertThat((String) read(created, "$.createdBy")).isEqualTo("otto");

        // ONLINE first, then by the hash of (rollout id, device id): the last group takes
        // the rest.
        assertThat(devicesOf(customer, id, "&group=0"))
            .containsExactlyInAnyOrderElementsOf(online.stream().map(UUID::toString).toList());
        List<UUID> expectedOffline = new ArrayList<>(offline);
        expectedOffline.sort(Comparator.comparing(device -> {
            try {
                return md5(id.toString() + device);
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }));
        assertThat(devicesOf(customer, id, "&group=1")).containsExactly(expectedOffline.getFirst().toString());

        // Only the active group is handed the release; the others keep the pin.
        for (UUID device : online) {
            assertThat(desiredRelease(device, customer)).isEqualTo(release.toString());
        }
        for (UUID device : offline) {
            assertThat(desiredRelease(device, customer)).isEqualTo(old.toString());
        }
        assertThat((Object) read(api.get("/rollouts/" + id + "/devices?group=0", viewer(customer)),
                "$.items[0].deliveredAt"))
            .isNotNull();

        scheduler.pass();
        assertThat(status(customer, id)).as("nothing reported yet").isEqualTo("RUNNING");
        for (UUID device : online) {
            report(device, customer, release, "reconciling", "");
        }
        assertThat(deviceStatus(customer, id, online.getFirst())).isEqualTo("RECONCILING");
        for (UUID device : online) {
            report(device, customer, release, "ready", "");
        }
        scheduler.pass();
        HttpResponse<String> second = rollout(customer, id);
        assertThat((List<String>) read(second, "$.groups[*].status")).containsExactly("SUCCEEDED", "ACTIVE", "PENDING");
        assertThat((Integer) read(second, "$.activeGroup")).isEqualTo(1);
        assertThat(desiredRelease(expectedOffline.getFirst(), customer)).isEqualTo(release.toString());
        assertThat(desiredRelease(expectedOffline.get(1), customer)).isEqualTo(old.toString());

        report(expectedOffline.getFirst(), customer, release, "ready", "");
        scheduler.pass();
        assertThat((List<String>) read(rollout(customer, id), "$.groups[*].status")).containsExactly("SUCCEEDED",
                "SUCCEEDED", "ACTIVE");
        for (UUID device : expectedOffline.subList(1, 3)) {
            report(device, customer, release, "ready", "");
        }
        scheduler.pass();
        HttpResponse<String> done = rollout(customer, id);
        assertThat((String) read(done, "$.status")).isEqualTo("SUCCEEDED");
        assertThat((Integer) read(done, "$.groups[2].counts.ready")).isEqualTo(2);
        assertThat(api.pinned(customer, "TESTING")).isEqualTo(release.toString());
        // A device joining the environment later gets the pin.
        UUID late = device(customer, "late", "ONLINE");
        assertThat(desiredRelease(late, customer)).isEqualTo(release.toString());

        assertThat(audits(id, "ROLLOUT_CREATED")).isEqualTo(1);
        assertThat(audits(id, "ROLLOUT_GROUP_STARTED")).isEqualTo(3);
        assertThat(audits(id, "ROLLOUT_SUCCEEDED")).isEqualTo(1);
        assertThat(jdbc.sql("""
                SELECT actor FROM audit_event WHERE customer_id = :customer AND action = 'ENVIRONMENT_PINNED'
                ORDER BY at DESC LIMIT 1
                """).param("customer", customer).query(String.class).single()).isEqualTo("rollout-scheduler");

        List<String> history = read(
                api.get("/rollouts/" + id + "/devices/" + online.getFirst() + "/events", viewer(customer)),
                "$[*].status");
        assertThat(history).containsExactly("PENDING", "ASSIGNED", "RECONCILING", "READY");
    }

    @Test
    void manualAdvanceWaitsForContinueAndIllegalActionsAreRefused() {
        OnlineFirst fleet = onlineFirst("m1");
        UUID id = started(customer, body(fleet.release(), "TESTING", ONE_EACH, "\"advance\":\"MANUAL\""));
        assertThat(desiredRelease(fleet.first(), customer)).isEqualTo(fleet.release().toString());
        assertProblem(api.post("/rollouts/" + id + "/continue", operator(customer), null), 409, "ROLLOUT_STATE");
        assertProblem(api.post("/rollouts/" + id + "/resume", operator(customer), null), 409, "ROLLOUT_STATE");

        report(fleet.first(), customer, fleet.release(), "ready", "");
        scheduler.pass();
        assertThat(status(customer, id)).isEqualTo("WAITING");
        assertThat(desiredRelease(fleet.second(), customer)).as("the next group waits").isNull();
        scheduler.pass();
        assertThat(status(customer, id)).isEqualTo("WAITING");

        HttpResponse<String> continued = api.post("/rollouts/" + id + "/continue", operator(customer), "{}");
        assertThat(continued.statusCode()).as(continued.body()).isEqualTo(200);
        assertThat((String) read(continued, "$.status")).isEqualTo("RUNNING");
        assertThat((Integer) read(continued, "$.activeGroup")).isEqualTo(1);
        assertThat((String) read(continued, "$.groups[1].status")).isEqualTo("ACTIVE");
        assertThat(desiredRelease(fleet.second(), customer)).isEqualTo(fleet.release().toString());
        assertThat(audits(id, "ROLLOUT_CONTINUED")).isEqualTo(1);
        assertProblem(api.post("/rollouts/" + id + "/continue", operator(customer), null), 409, "ROLLOUT_STATE");

        // One unfinished rollout per environment; no direct pin beside it.
        UUID other = api.release(customer, "app", "m2");
        assertProblem(start(customer, body(other, "TESTING", "[{\"size\":\"100%\"}]", null)), 409,
                "ROLLOUT_IN_PROGRESS");
        assertProblem(
                api.put("/environments/TESTING/release", operator(customer), "{\"releaseId\":\"" + other + "\"}", null),
                409, "ROLLOUT_IN_PROGRESS");

        HttpResponse<String> cancelled = api.post("/rollouts/" + id + "/cancel", operator(customer), null);
        assertThat((String) read(cancelled, "$.status")).isEqualTo("CANCELLED");
        assertProblem(api.post("/rollouts/" + id + "/cancel", operator(customer), null), 409, "ROLLOUT_STATE");
        assertProblem(api.post("/rollouts/" + id + "/pause", operator(customer), null), 409, "ROLLOUT_STATE");
        assertThat(audits(id, "ROLLOUT_CANCELLED")).isEqualTo(1);
        // Delivered devices keep a cancelled rollout's release; a later pin wins.
        assertThat(desiredRelease(fleet.first(), customer)).isEqualTo(fleet.release().toString());
        api.pinTesting(customer, other);
        assertThat(desiredRelease(fleet.first(), customer)).isEqualTo(other.toString());
        assertThat(desiredRelease(fleet.second(), customer)).isEqualTo(other.toString());
    }

    @Test
    void aDeviceThatDoesNotReportWithinTheTimeoutFailsAndPausesTheRolloutWithAnEventForMonitoring() {
        OnlineFirst fleet = onlineFirst("t1");
        UUID quiet = fleet.first();
        UUID id = started(customer,
                body(fleet.release(), "TESTING", "[{\"size\":\"1\",\"timeout\":\"PT10M\"},{\"size\":\"100%\"}]", null));
        report(quiet, customer, fleet.release(), "reconciling", "");
        clock.advance(Duration.ofMinutes(9));
        scheduler.pass();
        assertThat(status(customer, id)).isEqualTo("RUNNING");
        assertThat(deviceStatus(customer, id, quiet)).isEqualTo("RECONCILING");

        clock.advance(Duration.ofMinutes(2));
        scheduler.pass();
        HttpResponse<String> paused = rollout(customer, id);
        assertThat((String) read(paused, "$.status")).isEqualTo("PAUSED");
        assertThat((String) read(paused, "$.pauseReason")).contains("error threshold");
        assertThat((String) read(paused, "$.groups[0].status")).isEqualTo("FAILED");
        assertThat((Integer) read(paused, "$.groups[0].counts.timedOut")).isEqualTo(1);
        assertThat(deviceStatus(customer, id, quiet)).isEqualTo("TIMED_OUT");
        assertThat((List<String>) read(api.get("/rollouts/" + id + "/devices/" + quiet + "/events", viewer(customer)),
                "$[*].status"))
            .containsExactly("PENDING", "ASSIGNED", "RECONCILING", "TIMED_OUT");
        assertThat(audits(id, "ROLLOUT_PAUSED")).isEqualTo(1);

        // The outbox row names the rollout and no device; monitoring receives it.
        assertThat(jdbc.sql("""
                SELECT count(*) FROM device_event_outbox WHERE rollout_id = :id AND device_id IS NOT NULL
                """).param("id", id).query(Integer.class).single()).isZero();
        await().atMost(DEADLINE).until(() -> !eventsFor(id).isEmpty());
        Map<String, Object> event = eventsFor(id).getFirst();
        assertThat(event).containsEntry("type", "ROLLOUT_PAUSED")
            .containsEntry("customerId", customer.toString())
            .doesNotContainKey("deviceId");
        assertThat((String) event.get("detail")).contains("error threshold");

        // A late report changes the device, never the decided group.
        report(quiet, customer, fleet.release(), "ready", "");
        assertThat(deviceStatus(customer, id, quiet)).isEqualTo("READY");
        scheduler.pass();
        assertThat((String) read(rollout(customer, id), "$.groups[0].status")).isEqualTo("FAILED");
        assertThat(status(customer, id)).isEqualTo("PAUSED");
    }

    @Test
    void crossingTheErrorThresholdPausesAndStopsHandingTheReleaseOutUntilResumed() {
        UUID old = api.release(customer, "app", "p0");
        api.pinTesting(customer, old);
        UUID release = api.release(customer, "app", "p1");
        List<UUID> devices = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            devices.add(device(customer, "d" + i, "ONLINE"));
        }
        UUID id = started(customer,
                body(release, "TESTING", "[{\"size\":\"100%\",\"errorThreshold\":30}]", "\"successThreshold\":100"));
        UUID failing = devices.get(0);
        UUID fetched = devices.get(1);
        UUID notFetched = devices.get(2);
        assertThat(desiredRelease(failing, customer)).isEqualTo(release.toString());
        assertThat(desiredRelease(fetched, customer)).isEqualTo(release.toString());
        report(failing, customer, release, "reconciliation failed", "image pull failed");
        scheduler.pass();
        assertThat(status(customer, id)).as("1 of 4 failed: 25 %, not above 30 %").isEqualTo("RUNNING");
        assertThat((List<String>) read(api.get("/rollouts/" + id + "/devices?status=FAILED", viewer(customer)),
                "$.items[*].reason"))
            .containsExactly("web (image pull failed)");

        report(fetched, customer, release, "reconciliation failed", "crash loop");
        scheduler.pass();
        assertThat(status(customer, id)).isEqualTo("PAUSED");
        // Paused: devices that fetched the release keep it, the others get the old one.
        assertThat(desiredRelease(fetched, customer)).isEqualTo(release.toString());
        assertThat(desiredRelease(notFetched, customer)).isEqualTo(old.toString());
        assertThat((List<?>) read(api.get("/rollouts/" + id + "/devices?limit=500", viewer(customer)),
                "$.items[?(@.deviceId == '" + notFetched + "')].deliveredAt"))
            .isEmpty();

        // Resume: the group is evaluated again; the failed devices stay failed, the
        // paused rollout hands out its release again.
        report(failing, customer, release, "ready", "");
        report(fetched, customer, release, "ready", "");
        HttpResponse<String> resumed = api.post("/rollouts/" + id + "/resume", operator(customer),
                "{\"reason\":\"fixed the registry\"}");
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        assertThat((String) read(resumed, "$.status")).isEqualTo("RUNNING");
        assertThat((String) read(resumed, "$.groups[0].status")).isEqualTo("ACTIVE");
        assertThat(desiredRelease(notFetched, customer)).isEqualTo(release.toString());
        await().atMost(DEADLINE)
            .until(() -> eventsFor(id).stream().anyMatch(event -> "ROLLOUT_PAUSE_ENDED".equals(event.get("type"))));
        for (UUID device : devices) {
            report(device, customer, release, "ready", "");
        }
        scheduler.pass();
        assertThat(status(customer, id)).isEqualTo("SUCCEEDED");
        assertThat(audits(id, "ROLLOUT_RESUMED")).isEqualTo(1);
    }

    @Test
    void anOperatorPausesAndResumesAndEveryDeviceDecidedWithoutSuccessPausesToo() {
        UUID release = api.release(customer, "app", "o1");
        UUID device = device(customer, "only", "ONLINE");
        UUID id = started(customer, body(release, "TESTING", "[{\"size\":\"100%\",\"errorThreshold\":100}]", null));
        HttpResponse<String> paused = api.post("/rollouts/" + id + "/pause", operator(customer),
                "{\"reason\":\"maintenance window\"}");
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        assertThat((String) read(paused, "$.status")).isEqualTo("PAUSED");
        assertThat((String) read(paused, "$.pauseReason")).isEqualTo("Paused by otto: maintenance window");
        assertThat(desiredRelease(device, customer)).as("not fetched before the pause").isNull();
        await().atMost(DEADLINE)
            .until(() -> eventsFor(id).stream()
                .anyMatch(event -> "ROLLOUT_PAUSED".equals(event.get("type"))
                        && ((String) event.get("detail")).contains("maintenance window")));

        assertThat((String) read(api.post("/rollouts/" + id + "/resume", operator(customer), null), "$.status"))
            .isEqualTo("RUNNING");
        assertThat(desiredRelease(device, customer)).isEqualTo(release.toString());
        report(device, customer, release, "reconciliation failed", "boom");
        scheduler.pass();
        HttpResponse<String> decided = rollout(customer, id);
        assertThat((String) read(decided, "$.status")).isEqualTo("PAUSED");
        assertThat((String) read(decided, "$.pauseReason")).contains("below its success threshold");
    }

    @Test
    void rollbackTakesThePreviousReleaseToTheDeliveredDevices() {
        UUID release = api.release(customer, "app", "b1");
        device(customer, "x", "ONLINE");
        UUID unpinned = started(customer, body(release, "TESTING", "[{\"size\":\"100%\"}]", null));
        assertProblem(api.post("/rollouts/" + unpinned + "/rollback", operator(customer), null), 409,
                "NOTHING_TO_ROLL_BACK_TO");
        api.post("/rollouts/" + unpinned + "/cancel", operator(customer), null);

        UUID old = api.release(customer, "app", "b0");
        api.pinTesting(customer, old);
        UUID newer = api.release(customer, "app", "b2");
        UUID delivered = device(customer, "delivered", "ONLINE");
        UUID waiting = device(customer, "waiting", "OFFLINE");
        UUID id = started(customer, body(newer, "TESTING", "[{\"size\":\"50%\"},{\"size\":\"100%\"}]", null));
        List<String> firstGroup = devicesOf(customer, id, "&group=0");
        for (String device : firstGroup) {
            assertThat(desiredRelease(UUID.fromString(device), customer)).isEqualTo(newer.toString());
        }
        assertProblem(api.post("/rollouts/" + id + "/rollback", operator(customer),
                "{\"groups\":[]," + "\"successThreshold\":0}"), 400, "VALIDATION_FAILED");

        HttpResponse<String> rolledBack = api.post("/rollouts/" + id + "/rollback", operator(customer), null);
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(201);
        UUID back = UUID.fromString(read(rolledBack, "$.id"));
        assertThat((String) read(rolledBack, "$.rollbackOf")).isEqualTo(id.toString());
        assertThat((String) read(rolledBack, "$.releaseId")).isEqualTo(old.toString());
        assertThat((String) read(rolledBack, "$.status")).isEqualTo("RUNNING");
        assertThat((Integer) read(rolledBack, "$.total")).isEqualTo(firstGroup.size());
        assertThat((List<String>) read(rolledBack, "$.groups[*].size")).containsExactly("100%");
        assertThat(status(customer, id)).isEqualTo("ROLLED_BACK");
        assertThat(audits(id, "ROLLOUT_ROLLED_BACK")).isEqualTo(1);
        for (String device : firstGroup) {
            assertThat(desiredRelease(UUID.fromString(device), customer)).isEqualTo(old.toString());
        }
        assertThat(desiredRelease(delivered, customer)).isEqualTo(old.toString());
        assertThat(desiredRelease(waiting, customer)).isEqualTo(old.toString());
        assertProblem(api.post("/rollouts/" + id + "/rollback", operator(customer), null), 409, "ROLLOUT_STATE");
    }

    @Test
    void aPromotionCarriesThePlanAndItsApprovalBySomeoneElseStartsTheRolloutInsteadOfPinning() {
        UUID release = api.release(customer, "app", "s1");
        api.pinTesting(customer, release);
        UUID device = device(customer, "stage-1", "ONLINE");
        jdbc.sql("UPDATE device SET environment = 'STAGING' WHERE id = :id").param("id", device).update();

        assertProblem(start(customer, body(release, "STAGING", "[{\"size\":\"100%\"}]", null)), 409,
                "PROMOTION_REQUIRED");
        int promotions = rows("promotion", customer);
        HttpResponse<String> bad = api.post("/promotions", operator(customer),
                "{\"targetEnvironment\":\"STAGING\",\"rollout\":{\"groups\":[{\"size\":\"0\"}]}}");
        assertProblem(bad, 400, "VALIDATION_FAILED");
        assertThat((List<String>) read(bad, "$.errors[*].field")).containsExactly("groups[0].size");
        assertThat(rows("promotion", customer)).isEqualTo(promotions);

        HttpResponse<String> requested = api.post("/promotions", operator(customer),
                "{\"targetEnvironment\":\"STAGING\",\"rollout\":{\"groups\":[{\"size\":\"100%\"}],\"advance\":\"MANUAL\"}}");
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
        assertThat((String) read(requested, "$.rollout.groups[0].size")).isEqualTo("100%");
        assertThat(readOrNull(requested, "$.rolloutId")).isNull();
        String promotion = read(requested, "$.id");
        assertProblem(api.post("/promotions/" + promotion + "/approve",
                TestJwtIssuer.token("otto", customer, "customer-admin"), null), 403, "SELF_APPROVAL");

        HttpResponse<String> approved = api.post("/promotions/" + promotion + "/approve", customerAdmin(customer),
                null);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        UUID id = UUID.fromString(read(approved, "$.rolloutId"));
        HttpResponse<String> rollout = rollout(customer, id);
        assertThat((String) read(rollout, "$.environment")).isEqualTo("STAGING");
        assertThat((String) read(rollout, "$.promotionId")).isEqualTo(promotion);
        assertThat((String) read(rollout, "$.createdBy")).isEqualTo("ada");
        assertThat((String) read(rollout, "$.advance")).isEqualTo("MANUAL");
        assertThat(api.pinned(customer, "STAGING")).as("pinned only when the rollout succeeds").isNull();
        assertThat(desiredRelease(device, customer)).isEqualTo(release.toString());

        // Another approval into STAGING while the rollout runs: refused.
        HttpResponse<String> again = api.post("/promotions", operator(customer), "{\"targetEnvironment\":\"STAGING\"}");
        assertProblem(api.post("/promotions/" + read(again, "$.id") + "/approve", customerAdmin(customer), null), 409,
                "ROLLOUT_IN_PROGRESS");

        report(device, customer, release, "ready", "");
        scheduler.pass();
        assertThat(status(customer, id)).isEqualTo("SUCCEEDED");
        assertThat(api.pinned(customer, "STAGING")).isEqualTo(release.toString());
    }

    @Test
    void badPlansAreRefusedWithTheirFieldsAndNothingIsWritten() {
        UUID release = api.release(customer, "app", "v1");
        device(customer, "v", "ONLINE");
        int audit = rows("audit_event", customer);
        Map<String, String> cases = Map.ofEntries(Map.entry("[{\"size\":\"0\"}]", "groups[0].size"),
                Map.entry("[{\"size\":\"101%\"}]", "groups[0].size"),
                Map.entry("[{\"size\":\"0%\"}]", "groups[0].size"), Map.entry("[{\"size\":\"ten\"}]", "groups[0].size"),
                Map.entry("[{}]", "groups[0].size"), Map.entry("[]", "groups"),
                Map.entry("[" + "{\"size\":\"1\"},".repeat(10) + "{\"size\":\"1\"}]", "groups"),
                Map.entry("[{\"size\":\"1\",\"successThreshold\":101}]", "groups[0].successThreshold"),
                Map.entry("[{\"size\":\"1\",\"errorThreshold\":-1}]", "groups[0].errorThreshold"),
                Map.entry("[{\"size\":\"1\",\"timeout\":\"PT30S\"}]", "groups[0].timeout"),
                Map.entry("[{\"size\":\"1\",\"timeout\":\"P8D\"}]", "groups[0].timeout"),
                Map.entry("[{\"size\":\"1\",\"timeout\":\"soon\"}]", "groups[0].timeout"));
        cases.forEach((groups, field) -> {
            HttpResponse<String> refused = start(customer, body(release, "TESTING", groups, null));
            assertProblem(refused, 400, "VALIDATION_FAILED");
            assertThat((List<String>) read(refused, "$.errors[*].field")).as(groups).contains(field);
        });
        for (String extra : List.of("\"successThreshold\":0", "\"errorThreshold\":101", "\"groupTimeout\":\"P7DT1S\"",
                "\"advance\":\"SOMETIMES\"")) {
            assertProblem(start(customer, body(release, "TESTING", "[{\"size\":\"1\"}]", extra)), 400,
                    "VALIDATION_FAILED");
        }
        assertProblem(start(customer, body(release, "NOWHERE", "[{\"size\":\"1\"}]", null)), 400, "VALIDATION_FAILED");
        assertProblem(start(customer, body(UUID.randomUUID(), "TESTING", "[{\"size\":\"1\"}]", null)), 404,
                "NOT_FOUND");
        assertProblem(start(customer,
                body(release, "TESTING", "[{\"size\":\"1\"}]", "\"selector\":{\"labels\":{\"line\":\"a\\u0007\"}}")),
                400, "VALIDATION_FAILED");
        assertThat(rows("rollout", customer)).isZero();
        assertThat(rows("audit_event", customer)).isEqualTo(audit);
    }

    @Test
    void previewShowsTheGroupsTargetsAndExclusionsWithoutWritingAnything() {
        UUID release = api.release(customer, "app", "w1");
        UUID online = device(customer, "on", "ONLINE");
        for (int i = 0; i < 14; i++) {
            device(customer, "off-" + i, "OFFLINE");
        }
        UUID overridden = device(customer, "pinned-own", "ONLINE");
        jdbc.sql("UPDATE device SET release_override_id = :release WHERE id = :id")
            .param("release", release)
            .param("id", overridden)
            .update();
        UUID otherLine = device(customer, "other-line", "ONLINE");
        jdbc.sql("UPDATE device SET labels = '{\"line\":\"4\"}' WHERE id = :id").param("id", otherLine).update();
        HttpResponse<String> preview = api.post("/rollouts/preview", operator(customer), body(release, "TESTING",
                "[{\"size\":\"10%\"},{\"size\":\"100%\"}]", "\"selector\":{\"labels\":{\"line\":\"3\"}}"));
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        assertThat((Integer) read(preview, "$.total")).isEqualTo(15);
        assertThat((Integer) read(preview, "$.excluded")).isEqualTo(1);
        assertThat((List<Integer>) read(preview, "$.groups[*].size")).containsExactly(2, 13);
        assertThat((String) read(preview, "$.groups[0].sample[0].deviceId")).isEqualTo(online.toString());
        assertThat((List<?>) read(preview, "$.groups[1].sample")).hasSize(10);
        assertThat(rows("rollout", customer)).isZero();
    }

    @Test
    void anotherCustomersRolloutsReleasesAndMachinesAnswerLikeMissingOnes() {
        UUID owner = UUID.randomUUID();
        UUID stranger = UUID.randomUUID();
        UUID release = api.release(owner, "app", "i1");
        UUID device = device(owner, "mine", "ONLINE");
        UUID machine = UUID.randomUUID();
        jdbc.sql("UPDATE device SET machine_id = :machine WHERE id = :id")
            .param("machine", machine)
            .param("id", device)
            .update();
        UUID id = started(owner, body(release, "TESTING", "[{\"size\":\"100%\"}]", null));

        for (String path : List.of("/rollouts/" + id, "/rollouts/" + id + "/devices",
                "/rollouts/" + id + "/devices/" + device + "/events", "/rollouts/" + UUID.randomUUID())) {
            assertProblem(api.get(path, viewer(stranger)), 404, "NOT_FOUND");
        }
        for (String action : List.of("pause", "resume", "continue", "cancel", "rollback")) {
            assertProblem(api.post("/rollouts/" + id + "/" + action, operator(stranger), null), 404, "NOT_FOUND");
        }
        assertThat((List<?>) read(api.get("/rollouts", viewer(stranger)), "$.items")).isEmpty();
        assertThat((List<String>) read(api.get("/rollouts", viewer(owner)), "$.items[*].id"))
            .containsExactly(id.toString());
        assertProblem(api.get("/rollouts?customerId=" + owner, viewer(stranger)), 404, "NOT_FOUND");
        // Another customer's release, and a machine only another customer has devices on.
        UUID strangerDevice = device(stranger, "theirs", "ONLINE");
        assertProblem(start(stranger, body(release, "TESTING", "[{\"size\":\"100%\"}]", null)), 404, "NOT_FOUND");
        UUID own = api.release(stranger, "app", "i2");
        assertProblem(start(stranger,
                body(own, "TESTING", "[{\"size\":\"100%\"}]", "\"selector\":{\"machineId\":\"" + machine + "\"}")), 404,
                "NOT_FOUND");
        assertProblem(api.post("/rollouts/preview", operator(stranger),
                body(release, "TESTING", "[{\"size\":\"100%\"}]", null)), 404, "NOT_FOUND");
        assertProblem(api.get("/rollouts/" + id + "/devices/" + strangerDevice + "/events", viewer(owner)), 404,
                "NOT_FOUND");
        // Roles: a viewer reads, only an operator acts.
        assertThat(api.post("/rollouts/" + id + "/pause", viewer(owner), null).statusCode()).isEqualTo(403);
        assertThat(api.post("/rollouts", viewer(owner), body(own, "TESTING", "[{\"size\":\"1\"}]", null)).statusCode())
            .isEqualTo(403);
        // A platform admin reads any customer's rollout.
        assertThat(api.get("/rollouts/" + id, Api.root()).statusCode()).isEqualTo(200);
    }

    @Test
    void deviceListIsKeysetPagedAndFiltered() {
        UUID release = api.release(customer, "app", "k1");
        for (int i = 0; i < 5; i++) {
            device(customer, "k" + i, "ONLINE");
        }
        UUID id = started(customer, body(release, "TESTING", "[{\"size\":\"2\"},{\"size\":\"100%\"}]", null));
        HttpResponse<String> first = api.get("/rollouts/" + id + "/devices?limit=3", viewer(customer));
        List<String> page1 = read(first, "$.items[*].deviceId");
        HttpResponse<String> second = api.get("/rollouts/" + id + "/devices?limit=3&cursor=" + Api.nextCursor(first),
                viewer(customer));
        List<String> page2 = read(second, "$.items[*].deviceId");
        assertThat(page1).hasSize(3);
        assertThat(page2).hasSize(2).doesNotContainAnyElementsOf(page1);
        assertThat(Api.nextCursor(second)).isNull();
        assertThat(devicesOf(customer, id, "&status=ASSIGNED")).hasSize(2);
        assertThat(devicesOf(customer, id, "&status=PENDING&group=1")).hasSize(3);
        assertProblem(api.get("/rollouts/" + id + "/devices?status=BOGUS", viewer(customer)), 400, "INVALID_PARAMETER");
        assertProblem(api.get("/rollouts/" + id + "/devices?cursor=garbage", viewer(customer)), 400, "INVALID_CURSOR");
        assertProblem(api.get("/rollouts?status=NOPE", viewer(customer)), 400, "INVALID_PARAMETER");
        assertThat((List<String>) read(api.get("/rollouts?status=RUNNING&environment=TESTING", viewer(customer)),
                "$.items[*].id"))
            .containsExactly(id.toString());
    }

    @Test
    void twoSchedulersRacingOverTheSameRolloutsNeverStartAGroupTwice() throws Exception {
        int rollouts = 6;
        List<UUID> customers = new ArrayList<>();
        List<UUID> releases = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < rollouts; i++) {
            UUID customer = UUID.randomUUID();
            UUID release = api.release(customer, "app", "race");
            for (int d = 0; d < 3; d++) {
                device(customer, "race-" + d, "ONLINE");
            }
            customers.add(customer);
            releases.add(release);
            ids.add(started(customer,
                    body(release, "TESTING", "[{\"size\":\"1\"},{\"size\":\"1\"},{\"size\":\"1\"}]", null)));
        }
        // A second instance, as on another replica (or after a restart): only the
        // database is shared.
        RolloutScheduler other = new RolloutScheduler(repository, service, clock);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < rollouts; i++) {
                for (String device : devicesOf(customers.get(i), ids.get(i), "&status=ASSIGNED")) {
                    report(UUID.fromString(device), customers.get(i), releases.get(i), "ready", "");
                }
            }
            for (int race = 0; race < 5; race++) {
                CyclicBarrier barrier = new CyclicBarrier(2);
                // Own threads: the common pool may have fewer than two.
                try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
                    CompletableFuture<Void> a = CompletableFuture.runAsync(() -> {
                        together(barrier);
                        scheduler.pass();
                    }, threads);
                    CompletableFuture<Void> b = CompletableFuture.runAsync(() -> {
                        together(barrier);
                        other.pass();
                    }, threads);
                    CompletableFuture.allOf(a, b).get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                }
            }
        }
        for (int i = 0; i < rollouts; i++) {
            UUID id = ids.get(i);
            assertThat(status(customers.get(i), id)).isEqualTo("SUCCEEDED");
            assertThat(audits(id, "ROLLOUT_GROUP_STARTED")).isEqualTo(3);
            assertThat(audits(id, "ROLLOUT_SUCCEEDED")).isEqualTo(1);
            assertThat(jdbc.sql("""
                    SELECT count(*) FROM rollout_device_event WHERE rollout_id = :id AND status = 'ASSIGNED'
                    """).param("id", id).query(Integer.class).single()).isEqualTo(3);
            assertThat(jdbc.sql("""
                    SELECT count(*) FROM audit_event WHERE customer_id = :customer AND action = 'ENVIRONMENT_PINNED'
                    """).param("customer", customers.get(i)).query(Integer.class).single()).isEqualTo(1);
        }
    }

    @Test
    void aFreshSchedulerCarriesOnFromTheDatabaseAndTheScheduledPassTakesTheLock() {
        OnlineFirst fleet = onlineFirst("f1");
        UUID id = started(customer, body(fleet.release(), "TESTING", ONE_EACH, null));
        report(fleet.first(), customer, fleet.release(), "ready", "");
        // Nothing of the first instance's memory is needed: a new one decides from the
        // database alone, as after a restart or on another replica.
        new RolloutScheduler(repository, service, clock).pass();
        assertThat((Integer) read(rollout(customer, id), "$.activeGroup")).isEqualTo(1);
        report(fleet.second(), customer, fleet.release(), "ready", "");
        // The scheduled entry point runs the pass under the lock (polled: a pass
        // elsewhere may hold it for a moment).
        await().atMost(DEADLINE).until(() -> {
            scheduler.evaluate();
            return "SUCCEEDED".equals(status(customer, id));
        });
        assertThat(jdbc.sql("SELECT count(*) FROM shedlock WHERE name = 'device-management-rollouts'")
            .query(Integer.class)
            .single()).isEqualTo(1);
    }

    @Test
    void aTenThousandDeviceRolloutIsCreatedAndDecidedSetBased() {
        UUID release = api.release(customer, "app", "big");
        TestDevices.insertFleet(jdbc, customer, "bulk", 10000, 3);
        long started = System.nanoTime();
        UUID id = started(customer,
                body(release, "TESTING", "[{\"size\":\"1%\"},{\"size\":\"10%\"},{\"size\":\"100%\"}]", null));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        HttpResponse<String> created = rollout(customer, id);
        assertThat((Integer) read(created, "$.total")).isEqualTo(10000);
        assertThat((List<Integer>) read(created, "$.groups[*].plannedSize")).containsExactly(100, 1000, 8900);
        assertThat((Integer) read(created, "$.groups[0].counts.assigned")).isEqualTo(100);
        assertThat(jdbc.sql("""
                SELECT count(*) FROM rollout_device rd JOIN device d ON d.id = rd.device_id
                WHERE rd.rollout_id = :id AND rd.group_index = 1 AND d.connectivity = 'ONLINE'
                """).param("id", id).query(Integer.class).single()).as("3,333 ONLINE devices fill groups 0 and 1")
            .isEqualTo(1000);
        // Generous for a loaded 2-core machine; per-device statements would take minutes.
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        jdbc.sql("""
                UPDATE rollout_device SET status = 'READY' WHERE rollout_id = :id AND group_index = 0
                """).param("id", id).update();
        scheduler.pass();
        assertThat((Integer) read(rollout(customer, id), "$.groups[1].counts.assigned")).isEqualTo(1000);
        // The desired state and the reports find a device's assignments by index.
        jdbc.sql("ANALYZE rollout_device").update();
        UUID any = jdbc.sql("SELECT device_id FROM rollout_device WHERE rollout_id = :id LIMIT 1")
            .param("id", id)
            .query(UUID.class)
            .single();
        String plan = String.join("\n",
                jdbc.sql("EXPLAIN SELECT * FROM rollout_device WHERE device_id = :device")
                    .param("device", any)
                    .query(String.class)
                    .list());
        assertThat(plan).contains("rollout_device_device_idx").doesNotContain("Seq Scan");
    }

    @Test
    void aGroupStartedByTheSchedulerWakesTheLongPollOfItsDevices() throws Exception {
        OnlineFirst fleet = onlineFirst("l1");
        started(customer, body(fleet.release(), "TESTING", ONE_EACH, null));
        HttpResponse<String> before = TestDevices.desiredState(checks.baseUrl(), fleet.second(), customer, null, 0);
        assertThat(readOrNull(before, "$.releaseId")).isNull();
        CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(
                () -> TestDevices.desiredState(checks.baseUrl(), fleet.second(), customer, Api.etag(before), 30));
        await().atMost(DEADLINE).until(() -> poll.isDone() || waiting(customer) == 1);
        assertThat(poll).as("answered instead of waiting").isNotDone();

        report(fleet.first(), customer, fleet.release(), "ready", "");
        long passed = System.nanoTime();
        scheduler.pass();
        HttpResponse<String> woken = poll.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(woken.statusCode()).as(woken.body()).isEqualTo(200);
        assertThat((String) read(woken, "$.releaseId")).isEqualTo(fleet.release().toString());
        assertThat(Duration.ofNanos(System.nanoTime() - passed)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aRolloutPausedWhileWaitingWaitsAgainWhenResumed() {
        OnlineFirst fleet = onlineFirst("q1");
        UUID id = started(customer, body(fleet.release(), "TESTING", ONE_EACH, "\"advance\":\"MANUAL\""));
        report(fleet.first(), customer, fleet.release(), "ready", "");
        scheduler.pass();
        assertThat(status(customer, id)).isEqualTo("WAITING");
        assertThat((String) read(api.post("/rollouts/" + id + "/pause", operator(customer), null), "$.status"))
            .isEqualTo("PAUSED");
        HttpResponse<String> resumed = api.post("/rollouts/" + id + "/resume", operator(customer), null);
        assertThat((String) read(resumed, "$.status")).isEqualTo("WAITING");
        assertThat((List<String>) read(resumed, "$.groups[*].status")).containsExactly("SUCCEEDED", "PENDING");
    }

    /**
     * Long-polls of the customer parked on this instance (the waiters are
     * package-private).
     */
    int waiting(UUID customer) throws Exception {
        Object waiters = context.getBean("desiredStateWaiters");
        java.lang.reflect.Method waiting = waiters.getClass().getDeclaredMethod("waiting", UUID.class);
        waiting.setAccessible(true);
        return (int) waiting.invoke(waiters, customer);
    }

    private static void together(CyclicBarrier barrier) {
        try {
            barrier.await();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

}
