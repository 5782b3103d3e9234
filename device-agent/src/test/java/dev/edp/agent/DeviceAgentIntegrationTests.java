package dev.edp.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent against a real in-process HTTPS server that wants client certificates ({@link FakeE3}). */
class DeviceAgentIntegrationTests {

    @TempDir
    Path temp;

    FakeE3 e3;
    DeviceAgent agent;

    @BeforeEach
    void startE3() throws Exception {
        e3 = new FakeE3();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.stop();
        }
        e3.close();
    }

    AgentOptions fast() {
        return AgentOptions.defaults().withHeartbeatInterval(Duration.ofMillis(300)).withLongPollSeconds(2)
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .withExecutor(() -> new SimulatedExecutor(Duration.ofMillis(200)));
    }

    @Test
    void onboardsHeartbeatsOverMtlsAndWritesItsStatus() throws Exception {
        DeviceStore store = new DeviceStore(temp.resolve("agent"));
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, store, fast());
        assertThat(e3.devices).containsValue(agent.identity().deviceId());
        agent.start();

        await(() -> e3.heartbeats.get() >= 2, "two heartbeats");
        assertThat(e3.heartbeatSerials).allMatch(s -> s.toString(16).equals(agent.identity().serial()));
        assertThat(agent.lastHeartbeat()).isNotNull();
        await(() -> store.statusFile().toFile().exists(), "status file");
        assertThat(store.readStatus().path("deviceId").asString()).isEqualTo(agent.identity().deviceId().toString());
        assertThat(store.readStatus().path("lastHeartbeat").isNull()).isFalse();

        // Reopened from its directory, the same device keeps going.
        agent.stop();
        assertThat(agent.exitReason()).isEqualTo(ExitReason.STOPPED);
        int before = e3.heartbeats.get();
        agent = DeviceAgent.open(store, fast());
        agent.start();
        await(() -> e3.heartbeats.get() > before, "heartbeat after reopening");
    }

    @Test
    void refusedTokenIsReportedNotRetried() {
        assertThatThrownBy(() -> DeviceAgent.onboard(e3.url(), e3.trust(), "wrong", null, fast()))
                .isInstanceOfSatisfying(E3Exception.class, ex -> {
                    assertThat(ex.kind()).isEqualTo(E3Exception.Kind.REJECTED);
                    assertThat(ex.code()).isEqualTo("TOKEN_NOT_FOUND");
                });
    }

    @Test
    void followsTheDesiredStateWithEtagLongPollAndReportsReconcilingThenReady() throws Exception {
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast().withLongPollSeconds(4));
        agent.start();
        await(() -> agent.desiredState() != null, "first desired state");
        String firstEtag = agent.desiredState().etag();
        assertThat(firstEtag).isEqualTo(e3.currentEtag());
        // Unchanged: the agent long-polls with If-None-Match and E3 answers 304 when the wait ends.
        await(() -> e3.desiredStateAnswers.contains(304), "a 304");
        // A snapshot: the agent keeps polling while this asserts (a live subList would fail on the next poll).
        List<String> requests = List.copyOf(e3.desiredStateRequests);
        assertThat(requests.getFirst()).isEqualTo("-");
        assertThat(requests.subList(1, requests.size())).allMatch(firstEtag::equals);

        // A change wakes the pending long-poll: the agent applies it well before the poll would end.
        Instant changed = Instant.now();
        e3.desire("release-2", "registry.example/app:2");
        await(() -> agent.desiredState() != null && "release-2".equals(agent.desiredState().releaseName()), "new state");
        // Well under the 4 s poll: the pending request was answered by the change, not by a new poll.
        assertThat(Duration.between(changed, Instant.now())).isLessThan(Duration.ofMillis(2500));
        assertThat(agent.desiredState().containers()).extracting(ContainerSpec::image)
                .containsExactly("registry.example/app:2");

        await(() -> e3.reportedStates.stream().anyMatch(r -> state(r).equals("reconciling")), "reconciling reported");
        await(() -> e3.reportedStates.stream().anyMatch(r -> state(r).equals("ready")), "ready reported");
        assertThat(e3.reportedStates.getLast().path("releaseId").asString())
                .isEqualTo(agent.desiredState().releaseId().toString());
        assertThat(e3.containerReports.getLast().path("containers").get(0).path("name").asString()).isEqualTo("app0");
        await(() -> agent.containers().equals(List.of(new ContainerStatus("app0", "registry.example/app:2", "ready",
                "running"))), "container ready");
    }

    @Test
    void backsOffWhileTheBackendIsDownAndRecovers() throws Exception {
        synchronized (e3.heartbeatFailures) {
            e3.heartbeatFailures.addAll(List.of(503, 503, 429, 502));
        }
        List<Integer> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast().withListener(new AgentListener() {
            @Override
            public void error(E3Exception error) {
                assertThat(error.kind()).isEqualTo(E3Exception.Kind.RETRYABLE);
                failures.add(error.status());
            }
        }));
        agent.start();
        await(() -> agent.lastHeartbeat() != null, "a heartbeat after the failures");
        assertThat(e3.heartbeatFailures).isEmpty();
        assertThat(failures).containsExactly(503, 503, 429, 502);
        assertThat(agent.exitReason()).isNull();
        assertThat(agent.lastError()).isNull();
    }

    @Test
    void connectionFailuresAreRetriedUntilE3IsBack() throws Exception {
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast());
        int port = e3.server.getAddress().getPort();
        e3.close(); // E3 is gone: connection refused
        agent.start();
        await(() -> agent.lastError() != null, "the failure noticed");
        assertThat(agent.exitReason()).isNull();
        // E3 comes back on the same port with the same CA: the agent picks up again.
        FakeE3 back = FakeE3.reopen(e3, port);
        try {
            await(() -> back.heartbeats.get() >= 1, "heartbeat after E3 returned");
        }
        finally {
            back.close();
        }
    }

    @Test
    void stopsWithRevokedReasonWhenE3AnswersUnauthorized() throws Exception {
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast());
        agent.start();
        await(() -> e3.heartbeats.get() >= 1, "a heartbeat");
        e3.revoked.add(agent.credentials().certificate().getSerialNumber());

        ExitReason reason = agent.awaitExit(Duration.ofSeconds(10));
        assertThat(reason).isEqualTo(ExitReason.REVOKED);
        assertThat(reason.exitCode()).isEqualTo(3);
        assertThat(agent.lastError()).contains("401").contains("DEVICE_CERTIFICATE_REVOKED");
        int after = e3.heartbeats.get();
        Thread.sleep(700);
        assertThat(e3.heartbeats.get()).as("no heartbeats after stopping").isEqualTo(after);
    }

    @Test
    void renewsAtTwoThirdsOfTheLifetimeAndKeepsGoingWithTheNewCertificate() throws Exception {
        e3.deviceLifetime = Duration.ofSeconds(4);
        DeviceStore store = new DeviceStore(temp.resolve("agent"));
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, store, fast());
        DeviceIdentity first = agent.identity();
        Instant expectedRenewal = RenewalSchedule.renewAt(first);
        e3.deviceLifetime = Duration.ofHours(1);
        agent.start();

        await(() -> !agent.identity().serial().equals(first.serial()), "a renewal");
        assertThat(Instant.now()).isAfterOrEqualTo(expectedRenewal);
        assertThat(agent.identity().serial()).isNotEqualTo(first.serial());
        assertThat(agent.identity().deviceId()).isEqualTo(first.deviceId());
        assertThat(store.credentials().identity()).isEqualTo(agent.identity());
        assertThat(store.credentials().key().getEncoded()).isEqualTo(agent.credentials().key().getEncoded());
        // Heartbeats now carry the new certificate, and the old one may expire without harm.
        String renewed = agent.identity().serial();
        await(() -> e3.heartbeatSerials.getLast().toString(16).equals(renewed), "heartbeat with the new certificate");
        Thread.sleep(Duration.between(Instant.now(), first.notAfter()).plusMillis(500).toMillis());
        int before = e3.heartbeats.get();
        await(() -> e3.heartbeats.get() > before, "heartbeats after the old certificate expired");
        assertThat(agent.exitReason()).isNull();
        assertThat(e3.renewals.get()).isEqualTo(1);
    }

    private static String state(tools.jackson.databind.JsonNode report) {
        var containers = report.path("containers");
        return containers.isEmpty() ? "" : containers.get(0).path("state").asString();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
