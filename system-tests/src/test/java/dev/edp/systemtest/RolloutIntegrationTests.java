package dev.edp.systemtest;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.jayway.jsonpath.JsonPath;
import dev.edp.agent.AgentOptions;
import dev.edp.agent.ContainerStatus;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.E3Trust;
import dev.edp.agent.InjectedFault;
import dev.edp.agent.Simulator;
import dev.edp.agent.TokenSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A phased rollout over a simulated fleet (issue 17): 200 in-process devices of one
 * customer, some of which fail every release or never apply one (the simulator's fault
 * plan, fixed seed), get release A pinned, then a rollout of release B in three groups.
 * From the rollout's device list (group per device) and the simulator's faults the test
 * computes the group whose failures cross its error threshold and checks that the rollout
 * pauses exactly there, that no device of a later group was ever handed B (platform and
 * device side), that monitoring opens ROLLOUT_PAUSED for the customer only, and that a
 * rollback brings the delivered devices back to A and resolves the alert.
 */
@ExtendWith(RunningPlatform.class)
class RolloutIntegrationTests {

    private static final int DEVICES = 200;

    private static final double FAIL_RATE = 0.05;

    private static final double UNRESPONSIVE_RATE = 0.02;

    private static final long FAULT_SEED = 17;

    /**
     * Success 95 % and error 5 % are complementary: a group succeeds exactly when at most
     * 5 % of its devices are faulty, else it can never reach 95 % ready and crosses 5 %
     * failed (at the latest when its unresponsive devices time out), whatever the order
     * in which reports arrive.
     */
    private static final int SUCCESS_THRESHOLD = 95;

    private static final int ERROR_THRESHOLD = 5;

    /** Group sizes as the plan gives them (5 %, 20 %, the rest) for 200 devices. */
    private static final List<Integer> GROUP_SIZES = List.of(10, 40, 150);

    private static final Duration WAIT = Duration.ofSeconds(90);

    /**
     * Enrolling 200 devices through E3 on a loaded 2-core machine, and a pause that may
     * need the group timeout (PT2M) plus a scheduler pass after earlier groups. Not the
     * minimum PT1M: on a loaded machine a healthy device slower than the timeout would
     * count as failed and move the pause to an earlier group.
     */
    private static final Duration LONG_WAIT = Duration.ofMinutes(6);

    static PlatformUsers users;

    @BeforeAll
    static void setUp(PlatformUsers shared) {
        users = shared;
    }

    @Test
    void aRolloutPausesInTheGroupWhoseFailuresCrossItsThresholdAndLaterGroupsNeverGetTheRelease() throws Exception {
        String admin = users.platformAdmin();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String customerA = users.createCustomer(admin, "roll-a-" + suffix);
        String customerB = users.createCustomer(admin, "roll-b-" + suffix);
        String operatorOfA = users.createUserAndLogIn(admin, customerA, "roll-op-a-" + suffix, "operator");
        String operatorOfB = users.createUserAndLogIn(admin, customerB, "roll-op-b-" + suffix, "operator");

        String application = Calls.lineMonitor(users.devices(""), operatorOfA);
        String releaseA = Calls.release(users.devices(""), operatorOfA, application, "1.0.0");
        String releaseB = Calls.release(users.devices(""), operatorOfA, application, "2.0.0");

        // One onboarding token per simulated device, made by A's operator before the
        // simulator starts (the operator's access token lives minutes, enrolling may take
        // longer on a loaded machine).
        String prefix = "roll-" + suffix;
        Map<String, String> onboardingTokens = new ConcurrentHashMap<>();
        for (int n = 1; n <= DEVICES; n++) {
            String name = prefix + "-" + n;
            onboardingTokens.put(name, JsonPath.read(Calls
                .expect(send("POST", users.platform().gatewayUrl() + "/api/onboarding/v1/tokens", "application/json",
                        "{\"deviceName\":\"" + name + "\",\"environment\":\"TESTING\"}", operatorOfA), 201)
                .body(), "$.token"));
        }
        TokenSource tokens = name -> Objects.requireNonNull(onboardingTokens.remove(name), name);
        AgentOptions options = AgentOptions.defaults()
            .withHeartbeatInterval(Duration.ofSeconds(4))
            .withLongPollSeconds(20)
            .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(5));
        Simulator.Settings settings = new Simulator.Settings(DEVICES, URI.create(users.platform().e3Url()),
                E3Trust.fromPem(users.platform().e3TrustFile()), tokens, options, Duration.ofSeconds(20), prefix)
            .withFaults(FAIL_RATE, UNRESPONSIVE_RATE, FAULT_SEED)
            .withEventLoopThreads(1);
        try (Simulator simulator = new Simulator(settings)) {
            simulator.start();
            Await.until("every simulated device enrolled", LONG_WAIT,
                    () -> simulator.snapshot().onboarded() == DEVICES);
            assertThat(simulator.snapshot().onboardingFailures()).isZero();
            Map<String, DeviceAgent> agents = new HashMap<>();
            simulator.agents().forEach(agent -> agents.put(agent.identity().deviceId().toString(), agent));
            assertThat(agents).hasSize(DEVICES);
            assertThat(agents.values().stream().filter(a -> a.injectedFault() == InjectedFault.RECONCILIATION_FAILS))
                .hasSize((int) Math.round(FAIL_RATE * DEVICES));
            assertThat(agents.values().stream().filter(a -> a.injectedFault() == InjectedFault.UNRESPONSIVE))
                .hasSize((int) Math.round(UNRESPONSIVE_RATE * DEVICES));
            Await.answer("every device ACTIVE in device-management", LONG_WAIT,
                    () -> send("GET", users.devices("/devices?limit=500&lifecycle=ACTIVE"), null, null, operatorOfA),
                    body -> JsonPath.<List<?>>read(body, "$.items[?(@.lifecycle == 'ACTIVE')]").size() == DEVICES);

            // Release A everywhere; the healthy devices run it.
            Calls.expect(send("PUT", users.devices("/environments/TESTING/release"), "application/json",
                    "{\"releaseId\":\"" + releaseA + "\"}", operatorOfA), 200);
            Await.until("every healthy device runs release A", LONG_WAIT,
                    () -> agents.values()
                        .stream()
                        .filter(a -> a.injectedFault() == InjectedFault.NONE)
                        .allMatch(a -> runs(a, releaseA)));

            // Release B in three groups.
            HttpResponse<String> started = Calls.expect(send("POST", users.devices("/rollouts"), "application/json",
                    "{\"releaseId\":\"" + releaseB + "\",\"environment\":\"TESTING\",\"groups\":[{\"size\":\"5%\"},"
                            + "{\"size\":\"20%\"},{\"size\":\"100%\"}],\"successThreshold\":" + SUCCESS_THRESHOLD
                            + ",\"errorThreshold\":" + ERROR_THRESHOLD + ",\"groupTimeout\":\"PT2M\"}",
                    operatorOfA), 201);
            String rollout = JsonPath.read(started.body(), "$.id");
            assertThat(JsonPath.<String>read(started.body(), "$.previousReleaseId")).isEqualTo(releaseA);
            assertThat(JsonPath.<Integer>read(started.body(), "$.total")).isEqualTo(DEVICES);
            assertThat(JsonPath.<List<Integer>>read(started.body(), "$.groups[*].plannedSize")).isEqualTo(GROUP_SIZES);

            // Which group must pause: the first whose faulty devices exceed 5 % of it
            // (there is one: 14 faulty devices cannot all hide in groups that pass).
            Map<String, Integer> groupOf = groupsOf(rollout, operatorOfA);
            assertThat(groupOf.keySet()).isEqualTo(agents.keySet());
            int[] faulty = new int[GROUP_SIZES.size()];
            int[] sizes = new int[GROUP_SIZES.size()];
            groupOf.forEach((device, group) -> {
                sizes[group]++;
                if (agents.get(device).injectedFault() != InjectedFault.NONE) {
                    faulty[group]++;
                }
            });
            assertThat(sizes).containsExactly(GROUP_SIZES.stream().mapToInt(Integer::intValue).toArray());
            int pausing = -1;
            for (int g = 0; g < sizes.length && pausing < 0; g++) {
                if (faulty[g] * 100 > ERROR_THRESHOLD * sizes[g]) {
                    pausing = g;
                }
            }
            assertThat(pausing).as("faulty devices per group %s", List.of(faulty)).isNotNegative();
            int pausedGroup = pausing;

            String paused = Await.answer("the rollout PAUSED", LONG_WAIT,
                    () -> send("GET", users.devices("/rollouts/" + rollout), null, null, operatorOfA),
                    body -> !"RUNNING".equals(JsonPath.read(body, "$.status")));
            assertThat(JsonPath.<String>read(paused, "$.status")).as(paused).isEqualTo("PAUSED");
            assertThat(JsonPath.<Integer>read(paused, "$.activeGroup")).as(paused).isEqualTo(pausedGroup);
            assertThat(JsonPath.<String>read(paused, "$.pauseReason"))
                .startsWith("Group " + pausedGroup + " crossed its error threshold: ")
                .endsWith(" of " + sizes[pausedGroup] + " devices failed or timed out (above " + ERROR_THRESHOLD
                        + " %).");
            List<String> groupStatuses = JsonPath.read(paused, "$.groups[*].status");
            for (int g = 0; g < groupStatuses.size(); g++) {
                assertThat(groupStatuses.get(g)).as("group %d of %s", g, paused)
                    .isEqualTo(g < pausedGroup ? "SUCCEEDED" : g == pausedGroup ? "FAILED" : "PENDING");
            }

            // No device of a group that never started was handed B: neither the platform
            // nor the device itself saw it.
            List<Map<String, Object>> rolloutDevices = devicesOf(rollout, operatorOfA);
            List<Map<String, Object>> neverStarted = rolloutDevices.stream()
                .filter(d -> (Integer) d.get("group") > pausedGroup)
                .toList();
            assertThat(neverStarted).hasSize(DEVICES - sumUpTo(sizes, pausedGroup));
            assertThat(neverStarted).allSatisfy(d -> {
                assertThat(d.get("status")).as(d.toString()).isEqualTo("PENDING");
                assertThat(d.get("deliveredAt")).as(d.toString()).isNull();
                Received seen = Received.of(agents.get(d.get("deviceId")));
                assertThat(seen.releaseId()).as("what device %s received", d.get("deviceId")).isEqualTo(releaseA);
            });
            List<String> delivered = rolloutDevices.stream()
                .filter(d -> d.get("deliveredAt") != null)
                .map(d -> (String) d.get("deviceId"))
                .toList();
            assertThat(delivered).isNotEmpty()
                .allSatisfy(device -> assertThat(groupOf.get(device)).isLessThanOrEqualTo(pausedGroup));

            // Monitoring opens ROLLOUT_PAUSED for customer A, through the gateway.
            String alerts = users.monitoring("/alerts?type=ROLLOUT_PAUSED&limit=100");
            Await.answer("an open ROLLOUT_PAUSED alert", WAIT, () -> send("GET", alerts, null, null, operatorOfA),
                    body -> JsonPath
                        .<List<?>>read(body, "$.items[?(@.rolloutId == '" + rollout + "' && @.state == 'OPEN')]")
                        .size() == 1);

            // Customer B sees neither the rollout nor the alert, and cannot act on it.
            assertProblem(send("GET", users.devices("/rollouts/" + rollout), null, null, operatorOfB), 404,
                    "NOT_FOUND");
            assertProblem(send("GET", users.devices("/rollouts/" + rollout + "/devices"), null, null, operatorOfB), 404,
                    "NOT_FOUND");
            assertProblem(send("POST", users.devices("/rollouts/" + rollout + "/resume"), "application/json", "{}",
                    operatorOfB), 404, "NOT_FOUND");
            assertProblem(send("POST", users.devices("/rollouts/" + rollout + "/rollback"), "application/json", "{}",
                    operatorOfB), 404, "NOT_FOUND");
            assertThat(Calls.expect(send("GET", users.devices("/rollouts?limit=500"), null, null, operatorOfB), 200)
                .body()).doesNotContain(rollout);
            assertThat(Calls.expect(send("GET", users.monitoring("/alerts?limit=500"), null, null, operatorOfB), 200)
                .body()).doesNotContain(rollout);

            // The rollback takes A to every device that got B; the original is
            // ROLLED_BACK
            // and its alert resolves.
            HttpResponse<String> rolledBack = Calls.expect(send("POST",
                    users.devices("/rollouts/" + rollout + "/rollback"), "application/json", "{}", operatorOfA), 201);
            assertThat(JsonPath.<String>read(rolledBack.body(), "$.rollbackOf")).isEqualTo(rollout);
            assertThat(JsonPath.<String>read(rolledBack.body(), "$.releaseId")).isEqualTo(releaseA);
            assertThat(JsonPath.<Integer>read(rolledBack.body(), "$.total")).isEqualTo(delivered.size());
            assertThat(JsonPath.<String>read(
                    Calls.expect(send("GET", users.devices("/rollouts/" + rollout), null, null, operatorOfA), 200)
                        .body(),
                    "$.status"))
                .isEqualTo("ROLLED_BACK");
            Await.answer("the ROLLOUT_PAUSED alert resolved", WAIT, () -> send("GET", alerts, null, null, operatorOfA),
                    body -> JsonPath
                        .<List<?>>read(body, "$.items[?(@.rolloutId == '" + rollout + "' && @.state == 'OPEN')]")
                        .isEmpty()
                            && JsonPath.<List<?>>read(body, "$.items[?(@.rolloutId == '" + rollout + "')]")
                                .size() == 1);
            Await.until("the healthy devices that got B run A again", LONG_WAIT,
                    () -> delivered.stream()
                        .map(agents::get)
                        .filter(a -> a.injectedFault() == InjectedFault.NONE)
                        .allMatch(a -> runs(a, releaseA)));
            Await.until("every device, faulty ones too, received A again", WAIT,
                    () -> agents.values().stream().allMatch(a -> releaseA.equals(Received.of(a).releaseId())));
        }
    }

    /** The release id of what a device last received (null: nothing yet). */
    private record Received(String releaseId) {
        static Received of(DeviceAgent agent) {
            dev.edp.agent.DesiredState state = agent.desiredState();
            return new Received(state == null || state.releaseId() == null ? null : state.releaseId().toString());
        }
    }

    private static boolean runs(DeviceAgent agent, String releaseId) {
        return releaseId.equals(Received.of(agent).releaseId()) && !agent.containers().isEmpty()
                && agent.containers().stream().allMatch(c -> ContainerStatus.READY.equals(c.state()));
    }

    private static int sumUpTo(int[] sizes, int last) {
        int sum = 0;
        for (int g = 0; g <= last; g++) {
            sum += sizes[g];
        }
        return sum;
    }

    private static Map<String, Integer> groupsOf(String rollout, String token) {
        Map<String, Integer> groups = new HashMap<>();
        devicesOf(rollout, token).forEach(d -> groups.put((String) d.get("deviceId"), (Integer) d.get("group")));
        return groups;
    }

    /** Every device of the rollout, page by page. */
    private static List<Map<String, Object>> devicesOf(String rollout, String token) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        do {
            String body = Calls
                .expect(send("GET", users.devices(
                        "/rollouts/" + rollout + "/devices?limit=100" + (cursor == null ? "" : "&cursor=" + cursor)),
                        null, null, token), 200)
                .body();
            all.addAll(JsonPath.<List<Map<String, Object>>>read(body, "$.items"));
            cursor = (String) JsonPath.<Map<String, Object>>read(body, "$").get("nextCursor");
        }
        while (cursor != null);
        return all;
    }

}
