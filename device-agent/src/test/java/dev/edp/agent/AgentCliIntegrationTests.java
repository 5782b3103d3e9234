package dev.edp.agent;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.edp.agent.cli.AgentCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.edp.agent.DeviceAgentIntegrationTests.await;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code edp-agent onboard | run | status | simulate} against the in-process E3. */
class AgentCliIntegrationTests {

    @TempDir
    Path temp;

    FakeE3 e3;

    Path trust;

    @BeforeEach
    void startE3() throws Exception {
        e3 = new FakeE3();
        trust = temp.resolve("ca.pem");
        Files.writeString(trust, Pems.write(List.of(e3.ca.root)));
    }

    @AfterEach
    void stopE3() {
        e3.close();
    }

    @Test
    void onboardRunStatusAndExitCodeThreeWhenRevoked() throws Exception {
        Path dir = temp.resolve("device");
        assertThat(AgentCli.execute("onboard", "--e3", e3.url().toString(), "--token", FakeE3.TOKEN, "--trust",
                trust.toString(), "--dir", dir.toString()))
            .isZero();
        DeviceStore store = new DeviceStore(dir);
        assertThat(store.exists()).isTrue();
        // A second onboarding into the same directory is refused instead of overwriting
        // the key.
        assertThat(AgentCli.execute("onboard", "--e3", e3.url().toString(), "--token", FakeE3.TOKEN, "--trust",
                trust.toString(), "--dir", dir.toString()))
            .isEqualTo(1);

        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> AgentCli.execute("run", "--dir",
                dir.toString(), "--interval", "200ms", "--executor", "simulated"));
        await(() -> e3.heartbeats.get() >= 2, "heartbeats from edp-agent run");
        await(() -> {
            try {
                return store.readStatus() != null && !store.readStatus().path("lastHeartbeat").isNull();
            }
            catch (Exception ex) {
                return false;
            }
        }, "status with a heartbeat");

        String status = capture(() -> assertThat(AgentCli.execute("status", "--dir", dir.toString())).isZero());
        assertThat(status).contains(store.credentials().identity().deviceId().toString())
            .contains("Last heartbeat 20")
            .contains("running (pid")
            .doesNotContain("Retrying");

        // A backend refuses E3's assertion: 401, but not a certificate refusal. The agent
        // keeps running and says it is retrying.
        e3.refuseHeartbeats = new FakeE3.Failure(401, "DEVICE_ASSERTION_INVALID");
        await(() -> capture(() -> AgentCli.execute("status", "--dir", dir.toString())).contains("Retrying"),
                "status saying it retries");
        assertThat(capture(() -> AgentCli.execute("status", "--dir", dir.toString())))
            .containsPattern(
                    "Retrying +heartbeat: POST /monitoring/api/v1/heartbeat answered 401 DEVICE_ASSERTION_INVALID "
                            + "\\(attempt \\d+, next at 20[^)]+\\); not a certificate refusal, the agent keeps running")
            .contains("running (pid");
        assertThat(run).isNotDone();
        int before = e3.heartbeats.get();
        e3.refuseHeartbeats = null;
        await(() -> e3.heartbeats.get() > before, "heartbeats again");
        await(() -> !capture(() -> AgentCli.execute("status", "--dir", dir.toString())).contains("Retrying"),
                "status without retries");

        e3.revoked.add(store.credentials().certificate().getSerialNumber());
        assertThat(run.get(60, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(capture(() -> AgentCli.execute("status", "--dir", dir.toString())))
            .contains("not running (REVOKED)");
    }

    @Test
    void simulatesDevicesFromATokenFileAndPrintsAFinalReport() throws Exception {
        Path tokens = temp.resolve("tokens.txt");
        Files.write(tokens, Collections.nCopies(5, FakeE3.TOKEN));
        // The run has a fixed length, so it is generous: five devices need about a second
        // to onboard and heartbeat, and "online" allows two intervals without a
        // heartbeat; a loaded machine gets 15 s.
        String output = capture(() -> assertThat(AgentCli.execute("simulate", "--devices", "5", "--e3",
                e3.url().toString(), "--trust", trust.toString(), "--tokens-file", tokens.toString(), "--interval",
                "1s", "--ramp-up", "200ms", "--duration", "15s", "--summary-every", "1s", "--enroll-parallel", "2",
                "--fail-rate", "0.2", "--unresponsive-rate", "0.2", "--fault-seed", "3"))
            .isZero());
        assertThat(e3.devices).hasSize(5);
        assertThat(e3.heartbeats.get()).isGreaterThanOrEqualTo(10);
        assertThat(output).contains("devices online 5/5")
            .contains("heartbeats/s")
            .containsPattern("heartbeats/s [0-9.]+ \\(p50 ")
            .contains("2 enrollments at a time")
            .contains("fault injection: 0.200 fail every release, 0.200 unresponsive")
            .contains("Simulation finished")
            .contains("5 of 5 devices onboarded (0 failed)")
            .contains("injected faults {RECONCILIATION_FAILS=1, UNRESPONSIVE=1}")
            .contains("platform threads");
    }

    @Test
    void simulateRefusesImpossibleSettingsWithUsageExitCode() {
        for (String[] wrong : List.of(new String[] { "--fail-rate", "1.5" },
                new String[] { "--unresponsive-rate", "-0.1" },
                new String[] { "--fail-rate", "0.6", "--unresponsive-rate", "0.6" },
                new String[] { "--enroll-parallel", "0" }, new String[] { "--fail-rate", "NaN" })) {
            List<String> args = new java.util.ArrayList<>(
                    List.of("simulate", "--devices", "5", "--e3", e3.url().toString(), "--trust", trust.toString(),
                            "--tokens-file", trust.toString(), "--duration", "1s"));
            args.addAll(List.of(wrong));
            assertThat(AgentCli.execute(args.toArray(String[]::new))).as(String.join(" ", wrong)).isEqualTo(2);
        }
        assertThat(e3.devices).isEmpty();
    }

    @Test
    void simulatorLibraryRunsDevicesInProcess() throws Exception {
        AgentOptions options = AgentOptions.defaults()
            .withHeartbeatInterval(Duration.ofMillis(300))
            .withLongPollSeconds(1)
            .withMetrics(HostMetrics.simulated())
            .withExecutor(() -> new SimulatedExecutor(Duration.ofMillis(100)));
        try (Simulator simulator = new Simulator(
                new Simulator.Settings(3, e3.url(), e3.trust(), name -> FakeE3.TOKEN, options, Duration.ZERO, "lib"))) {
            simulator.start();
            await(() -> simulator.snapshot().online() == 3, "three devices online");
            e3.desire("r1", "img:1");
            await(() -> simulator.agents()
                .stream()
                .allMatch(a -> a.containers().size() == 1 && a.containers().getFirst().state().equals("ready")),
                    "every device runs the release");
            e3.revoked.add(simulator.agents().getFirst().credentials().certificate().getSerialNumber());
            await(() -> simulator.snapshot().stopped().getOrDefault("REVOKED", 0L) == 1, "one device revoked");
            assertThat(simulator.snapshot().errors()).containsKey("UNAUTHORIZED 401 DEVICE_CERTIFICATE_REVOKED");
        }
    }

    private static String capture(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        }
        finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

}
