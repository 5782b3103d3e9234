package dev.edp.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.edp.agent.DeviceAgentIntegrationTests.await;
import static dev.edp.agent.DeviceAgentIntegrationTests.state;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet simulator against {@link FakeE3}: a fleet in one JVM on a few platform
 * threads, and injected faults.
 */
class SimulatorIntegrationTests {

    /**
     * Enough that a thread or a selector per device would show (the JDK client has one
     * each), few enough for a loaded 2-core machine (the in-process E3 costs as much CPU
     * as the devices).
     */
    static final int FLEET = 500;

    @Test
    void aFleetOnboardsHeartbeatsHoldsLongPollsAndGetsAChangeOnAFewPlatformThreads() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (FakeE3 e3 = FakeE3.onNetty()) {
            // Every conditional poll is held until the change comes (not cut at 25 s), so
            // all devices hold one at the same time and the change can only reach them
            // through it.
            e3.holdPolls = true;
            e3.holdFor = Duration.ofMinutes(5);
            AgentOptions options = AgentOptions.defaults()
                .withHeartbeatInterval(Duration.ofSeconds(5))
                .withLongPollSeconds(60)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withMetrics(HostMetrics.simulated())
                .withExecutor(() -> new SimulatedExecutor(Duration.ofMillis(200)));
            Simulator.Settings settings = new Simulator.Settings(FLEET, e3.url(), e3.trust(), name -> FakeE3.TOKEN,
                    options, Duration.ZERO, "fleet")
                .withEnrollParallel(32);
            threads.resetPeakThreadCount();
            try (Simulator simulator = new Simulator(settings)) {
                simulator.start();

                Simulator.Snapshot start = simulator.snapshot();
                // Enrollment is the CPU-heavy part (keys, CSRs, certificates, handshakes
                // on both sides): about 25 s of CPU for 500 devices, so a loaded machine
                // gets more time.
                await(() -> simulator.snapshot().onboarded() == FLEET, "every device onboarded", Duration.ofMinutes(3));
                await(() -> e3.heartbeatingDevices.size() == FLEET, "a heartbeat from every device");
                await(() -> e3.waitingPolls.get() == FLEET, "every device holding a long-poll");
                assertThat(simulator.snapshot().online()).isEqualTo(FLEET);

                e3.desire("fleet-1", "registry.example/app:1");
                UUID release = e3.currentRelease;
                await(() -> simulator.agents()
                    .stream()
                    .allMatch(a -> a.desiredState() != null && release.equals(a.desiredState().releaseId())),
                        "the change at every device");
                await(() -> reportedReady(e3, release) == FLEET, "every device reporting the release ready");

                Simulator.Snapshot snapshot = simulator.snapshot();
                System.out.println(snapshot.line(start));
                assertThat(e3.wokenPolls.get()).as("delivered through the held polls").isEqualTo(FLEET);
                assertThat(snapshot.deliveries()).isEqualTo(FLEET);
                assertThat(snapshot.deliveryLatency().count()).isEqualTo(FLEET);
                assertThat(snapshot.heartbeatLatency().count()).isGreaterThanOrEqualTo(FLEET);
                assertThat(snapshot.heartbeatLatency().percentile(0.99)).isPositive();
                assertThat(snapshot.errors()).isEmpty();
                assertThat(snapshot.onboardingFailures()).isZero();
                // Two kept-alive connections per device, the long-poll's and one for the
                // rest.
                assertThat(e3.connectionsByDevice).hasSize(FLEET);
                assertThat(e3.connectionsByDevice.values()).allSatisfy(ports -> assertThat(ports).hasSizeBetween(1, 2));
                // The JVM's platform threads (this test's, the in-process E3's and the
                // simulator's) stay far below one per device.
                assertThat(threads.getPeakThreadCount()).isLessThan(FLEET / 10);
                assertThat(snapshot.platformThreads()).isLessThan(FLEET / 10);
            }
        }
    }

    @Test
    void failingAndUnresponsiveSharesAreExactAndBehaveSoForEveryRelease() throws Exception {
        int devices = 20;
        try (FakeE3 e3 = new FakeE3()) {
            AgentOptions options = AgentOptions.defaults()
                .withHeartbeatInterval(Duration.ofMillis(500))
                .withLongPollSeconds(5)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .withMetrics(HostMetrics.simulated())
                .withExecutor(() -> new SimulatedExecutor(Duration.ofMillis(100)));
            Simulator.Settings settings = new Simulator.Settings(devices, e3.url(), e3.trust(), name -> FakeE3.TOKEN,
                    options, Duration.ZERO, "faulty")
                .withFaults(0.1, 0.15, 42);
            try (Simulator simulator = new Simulator(settings)) {
                simulator.start();
                await(() -> simulator.snapshot().online() == devices, "every device online");
                Map<UUID, InjectedFault> faults = new HashMap<>();
                simulator.agents().forEach(a -> faults.put(a.identity().deviceId(), a.injectedFault()));
                assertThat(faults.values()).filteredOn(InjectedFault.RECONCILIATION_FAILS::equals).hasSize(2);
                assertThat(faults.values()).filteredOn(InjectedFault.UNRESPONSIVE::equals).hasSize(3);
                assertThat(simulator.snapshot().faults()).containsExactlyInAnyOrderEntriesOf(
                        Map.of(InjectedFault.RECONCILIATION_FAILS, 2L, InjectedFault.UNRESPONSIVE, 3L));

                for (String name : List.of("rollout-1", "rollout-2")) {
                    e3.desire(name, "registry.example/app:" + name);
                    UUID release = e3.currentRelease;
                    await(() -> faults.entrySet().stream().allMatch(device -> switch (device.getValue()) {
                        case NONE -> reported(e3, device.getKey(), release, "ready");
                        case RECONCILIATION_FAILS -> reported(e3, device.getKey(), release, ContainerStatus.FAILED);
                        case UNRESPONSIVE -> true;
                    }), name + ": ready everywhere except on the failing devices, which report it failed");
                    // The unresponsive devices received the release and keep
                    // heartbeating, but never report it.
                    await(() -> simulator.agents()
                        .stream()
                        .allMatch(a -> a.desiredState() != null && release.equals(a.desiredState().releaseId())),
                            name + " received by every device");
                    Set<UUID> unresponsive = Set.copyOf(faults.entrySet()
                        .stream()
                        .filter(f -> f.getValue() == InjectedFault.UNRESPONSIVE)
                        .map(Map.Entry::getKey)
                        .toList());
                    int before = e3.heartbeats.get();
                    await(() -> e3.heartbeats.get() > before + 3 * devices, "heartbeats go on");
                    assertThat(unresponsive).allSatisfy(device -> assertThat(e3.reportedStatesByDevice.get(device))
                        .noneMatch(r -> release.toString().equals(r.path("releaseId").asString(null))));
                    assertThat(simulator.snapshot().online()).isEqualTo(devices);
                }
            }
        }
    }

    @Test
    void enrollmentsRespectTheParallelLimitAndNoSlotIsHeldWhileADeviceWaitsToStart() throws Exception {
        try (FakeE3 e3 = new FakeE3()) {
            // An hour's interval: each device waits up to six minutes before its first
            // heartbeat. Were it to hold its enrollment slot meanwhile, the second device
            // would wait as long.
            AgentOptions options = AgentOptions.defaults()
                .withHeartbeatInterval(Duration.ofHours(1))
                .withMetrics(HostMetrics.simulated());
            Simulator.Settings settings = new Simulator.Settings(12, e3.url(), e3.trust(), name -> FakeE3.TOKEN,
                    options, Duration.ZERO, "paced")
                .withEnrollParallel(2);
            try (Simulator simulator = new Simulator(settings)) {
                simulator.start();
                await(() -> simulator.snapshot().onboarded() == 12, "every device enrolled");
                assertThat(e3.maxEnrollmentsInFlight.get()).isBetween(1, 2);
                assertThat(simulator.agents()).hasSize(12);
            }
        }
    }

    private static long reportedReady(FakeE3 e3, UUID release) {
        return e3.reportedStatesByDevice.keySet()
            .stream()
            .filter(device -> reported(e3, device, release, "ready"))
            .count();
    }

    private static boolean reported(FakeE3 e3, UUID device, UUID release, String containerState) {
        List<JsonNode> reports = e3.reportedStatesByDevice.getOrDefault(device, List.of());
        return reports.stream()
            .anyMatch(r -> release.toString().equals(r.path("releaseId").asString(null))
                    && state(r).equals(containerState));
    }

}
