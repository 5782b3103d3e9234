package dev.edp.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent against a real in-process HTTPS server that wants client certificates
 * ({@link FakeE3}), over the JDK client; {@link DeviceAgentOverNettyIntegrationTests}
 * runs the same over the Netty transport.
 */
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

    /**
     * @return how the agent's requests travel
     */
    E3Transport transport() {
        return E3Transport.jdk();
    }

    AgentOptions fast() {
        return AgentOptions.defaults()
            .withHeartbeatInterval(Duration.ofMillis(300))
            .withLongPollSeconds(2)
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
            .withExecutor(() -> new SimulatedExecutor(Duration.ofMillis(200)))
            .withTransport(transport());
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
        assertThat(agent.lastHeartbeatBody()).containsKeys("uptimeSeconds", "agentVersion", "memory");
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

    /**
     * An onboarding instance killed while it enrolled, E3 starting, a throttle: the agent
     * tries again with the same key (so a used token that answers with that key's
     * certificate is not a lost device).
     */
    @Test
    void enrollmentFailuresThatMayPassAreRetriedWithTheSameKey() throws Exception {
        synchronized (e3.enrollmentFailures) {
            e3.enrollmentFailures.add(new FakeE3.Failure(502, null));
            e3.enrollmentFailures.add(new FakeE3.Failure(503, "SERVICE_UNAVAILABLE"));
            e3.enrollmentFailures.add(new FakeE3.Failure(429, "ENROLLMENT_THROTTLED"));
        }
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast());

        assertThat(e3.devices).containsValue(agent.identity().deviceId());
        assertThat(e3.enrollmentCsrs).hasSize(4);
        assertThat(e3.enrollmentCsrs.stream().map(DeviceAgentIntegrationTests::publicKey).distinct())
            .as("the key of every attempt")
            .hasSize(1);
    }

    @Test
    void enrollmentStillFailingWhenItsTimeIsUpIsReported() {
        synchronized (e3.enrollmentFailures) {
            for (int i = 0; i < 1000; i++) {
                e3.enrollmentFailures.add(new FakeE3.Failure(503, "SERVICE_UNAVAILABLE"));
            }
        }
        assertThatThrownBy(
                () -> DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast(), Duration.ofSeconds(1)))
            .isInstanceOfSatisfying(E3Exception.class, ex -> {
                assertThat(ex.kind()).isEqualTo(E3Exception.Kind.RETRYABLE);
                assertThat(ex.status()).isEqualTo(503);
            });
        assertThat(e3.enrollmentCsrs).as("attempts within the second (backoff 50 to 400 ms)").hasSizeBetween(2, 20);
        assertThat(e3.devices).isEmpty();
    }

    private static PublicKey publicKey(String csrPem) {
        try {
            return new JcaPKCS10CertificationRequest(
                    Base64.getMimeDecoder().decode(csrPem.replaceAll("-----[A-Z ]+-----", "")))
                .getPublicKey();
        }
        catch (GeneralSecurityException | IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void followsTheDesiredStateWithEtagLongPollAndReportsReconcilingThenReady() throws Exception {
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast().withLongPollSeconds(4));
        agent.start();
        await(() -> agent.desiredState() != null, "first desired state");
        String firstEtag = agent.desiredState().etag();
        assertThat(firstEtag).isEqualTo(e3.currentEtag());
        // Unchanged: the agent long-polls with If-None-Match and E3 answers 304 when the
        // wait ends.
        await(() -> e3.desiredStateAnswers.contains(304), "a 304");
        // A snapshot: the agent keeps polling while this asserts (a live subList would
        // fail on the next poll).
        List<String> requests = List.copyOf(e3.desiredStateRequests);
        assertThat(requests.getFirst()).isEqualTo("-");
        assertThat(requests.subList(1, requests.size())).allMatch(firstEtag::equals);

        // A change wakes the pending long-poll. E3 now holds polls for up to 25 s, so the
        // new state can only arrive this soon as the answer to the request that was
        // waiting when it changed.
        e3.holdPolls = true;
        await(() -> e3.waitingPolls.get() > 0 && e3.desiredStateRequests.size() > requests.size(), "a held long-poll");
        e3.desire("release-2", "registry.example/app:2");
        await(() -> agent.desiredState() != null && "release-2".equals(agent.desiredState().releaseName()),
                "new state");
        assertThat(e3.wokenPolls.get()).as("answered by the change, not by a new poll").isEqualTo(1);
        assertThat(agent.desiredState().containers()).extracting(ContainerSpec::image)
            .containsExactly("registry.example/app:2");

        await(() -> e3.reportedStates.stream().anyMatch(r -> state(r).equals("reconciling")), "reconciling reported");
        await(() -> e3.reportedStates.stream().anyMatch(r -> state(r).equals("ready")), "ready reported");
        assertThat(e3.reportedStates.getLast().path("releaseId").asString())
            .isEqualTo(agent.desiredState().releaseId().toString());
        assertThat(e3.containerReports.getLast().path("containers").get(0).path("name").asString()).isEqualTo("app0");
        await(() -> agent.containers()
            .equals(List.of(new ContainerStatus("app0", "registry.example/app:2", "ready", "running"))),
                "container ready");
    }

    @Test
    void aNewReleaseWithTheSameContainersIsReportedToo() throws Exception {
        e3.desire("release-1", "registry.example/app:1");
        UUID first = e3.currentRelease;
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast());
        agent.start();
        await(() -> reportedReady(agent, first), "release-1 reported ready");

        // Same image, another release: nothing changes on the device, but the platform
        // must hear of it.
        e3.desire("release-2", "registry.example/app:1");
        UUID second = e3.currentRelease;
        await(() -> reportedReady(agent, second), "release-2 reported");
    }

    @Test
    void aDeviceWhoseReconciliationsFailReportsEveryReleaseFailedWithAReason() throws Exception {
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null,
                fast().withInjectedFault(InjectedFault.RECONCILIATION_FAILS));
        agent.start();
        await(() -> e3.heartbeatingDevices.contains(agent.identity().deviceId()), "a heartbeat");
        for (String release : List.of("release-1", "release-2")) {
            e3.desire(release, "registry.example/app:" + release);
            UUID id = e3.currentRelease;
            await(() -> reportsOf(agent).stream()
                .anyMatch(r -> id.toString().equals(r.path("releaseId").asString(null))
                        && state(r).equals(ContainerStatus.FAILED)),
                    release + " reported failed");
            JsonNode failed = reportsOf(agent).stream()
                .filter(r -> id.toString().equals(r.path("releaseId").asString(null))
                        && state(r).equals(ContainerStatus.FAILED))
                .findFirst()
                .orElseThrow();
            assertThat(failed.path("containers").get(0).path("message").asString())
                .contains("registry.example/app:" + release)
                .contains("injected fault");
        }
        assertThat(e3.reportedStatesByDevice.get(agent.identity().deviceId())).noneMatch(r -> state(r).equals("ready"));
        assertThat(agent.exitReason()).isNull();
    }

    @Test
    void anUnresponsiveDeviceReceivesReleasesButNeverAppliesOrReportsThem() throws Exception {
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null,
                fast().withInjectedFault(InjectedFault.UNRESPONSIVE));
        agent.start();
        e3.desire("release-1", "registry.example/app:1");
        UUID release = e3.currentRelease;
        await(() -> agent.desiredState() != null && release.equals(agent.desiredState().releaseId()),
                "release received");
        // It keeps heartbeating for a while after receiving it, and says nothing about
        // the release.
        int before = e3.heartbeats.get();
        await(() -> e3.heartbeats.get() >= before + 3, "heartbeats after the release");
        assertThat(agent.containers()).isEmpty();
        assertThat(reportsOf(agent)).noneMatch(r -> release.toString().equals(r.path("releaseId").asString(null)));
        assertThat(agent.exitReason()).isNull();
    }

    private List<JsonNode> reportsOf(DeviceAgent device) {
        return e3.reportedStatesByDevice.getOrDefault(device.identity().deviceId(), List.of());
    }

    private boolean reportedReady(DeviceAgent device, UUID release) {
        return reportsOf(device).stream()
            .anyMatch(r -> release.toString().equals(r.path("releaseId").asString(null)) && state(r).equals("ready"));
    }

    @Test
    void backsOffWhileTheBackendIsDownAndRecovers() throws Exception {
        synchronized (e3.heartbeatFailures) {
            e3.heartbeatFailures
                .addAll(List.of(unavailable(503), unavailable(503), unavailable(429), unavailable(502)));
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
    void aRefusedHeartbeatIsTheLastSentButNotTheLastAccepted() throws Exception {
        // Refused until the test has looked.
        synchronized (e3.heartbeatFailures) {
            e3.heartbeatFailures.addAll(java.util.Collections.nCopies(100_000, unavailable(503)));
        }
        List<Integer> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast().withListener(new AgentListener() {
            @Override
            public void error(E3Exception error) {
                failures.add(error.status());
            }
        }));
        agent.start();
        await(() -> !failures.isEmpty(), "a refused heartbeat");
        assertThat(agent.lastHeartbeatSent()).containsKeys("uptimeSeconds", "memory");
        assertThat(agent.lastHeartbeatBody()).isNull();
        assertThat(agent.lastHeartbeat()).isNull();
        synchronized (e3.heartbeatFailures) {
            e3.heartbeatFailures.clear();
        }
        await(() -> agent.lastHeartbeat() != null, "a heartbeat after the failures");
        assertThat(agent.lastHeartbeatBody()).containsKeys("uptimeSeconds", "memory");
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
        Events events = new Events();
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast().withListener(events));
        agent.start();
        await(() -> e3.heartbeats.get() >= 1, "a heartbeat");
        e3.revoked.add(agent.credentials().certificate().getSerialNumber());

        ExitReason reason = agent.awaitExit(DEADLINE);
        assertThat(reason).isEqualTo(ExitReason.REVOKED);
        assertThat(reason.exitCode()).isEqualTo(3);
        assertThat(agent.lastError()).contains("401").contains("DEVICE_CERTIFICATE_REVOKED");
        agent.stop(); // joins the loops: whatever they were doing has ended
        List<String> afterStop = events.log.subList(events.log.indexOf("stopped REVOKED"), events.log.size());
        assertThat(afterStop).as("no retry after stopping").noneMatch(e -> e.startsWith("retrying"));
        // A heartbeat E3 accepted just before the revocation may be reported late; never
        // more than that one.
        assertThat(afterStop).filteredOn("heartbeat"::equals).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aBackendRefusingTheAssertionIsRetriedNotTakenForARevocation() throws Exception {
        // 401s that are not E3's certificate refusals: a backend did not accept E3's
        // assertion, and a
        // 401 without a problem code. Then the heartbeat goes through.
        synchronized (e3.heartbeatFailures) {
            e3.heartbeatFailures.addAll(List.of(new FakeE3.Failure(401, "DEVICE_ASSERTION_INVALID"),
                    new FakeE3.Failure(401, null), new FakeE3.Failure(401, "DEVICE_ASSERTION_INVALID")));
        }
        Events events = new Events();
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast().withListener(events));
        agent.start();

        // The listener hears of the heartbeat just after lastHeartbeat() is set: wait for
        // what is asserted.
        await(() -> events.log.contains("heartbeat"), "a heartbeat after the refusals");

        assertThat(agent.exitReason()).isNull();
        assertThat(e3.heartbeatFailures).isEmpty();
        assertThat(events.log).containsSubsequence("retrying 401 DEVICE_ASSERTION_INVALID", "retrying 401 null",
                "retrying 401 DEVICE_ASSERTION_INVALID", "heartbeat");
        assertThat(agent.retrying()).as("nothing left to retry once it went through")
            .noneMatch(r -> r.loop().equals("heartbeat"));
        int before = e3.heartbeats.get();
        await(() -> e3.heartbeats.get() > before, "heartbeats go on");
    }

    @Test
    void whileABackendRefusesTheAssertionTheAgentSaysItIsRetrying() throws Exception {
        e3.refuseHeartbeats = new FakeE3.Failure(401, "DEVICE_ASSERTION_INVALID");
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast());
        agent.start();

        await(() -> agent.retrying().stream().anyMatch(r -> r.loop().equals("heartbeat") && r.attempt() >= 2),
                "retrying the heartbeat");
        DeviceAgent.Retrying retry = agent.retrying()
            .stream()
            .filter(r -> r.loop().equals("heartbeat"))
            .findFirst()
            .orElseThrow();
        assertThat(retry.status()).isEqualTo(401);
        assertThat(retry.code()).isEqualTo("DEVICE_ASSERTION_INVALID");
        assertThat(agent.exitReason()).isNull();

        e3.refuseHeartbeats = null;
        await(() -> agent.retrying().stream().noneMatch(r -> r.loop().equals("heartbeat")), "the heartbeat through");
        assertThat(agent.exitReason()).isNull();
        assertThat(agent.lastHeartbeat()).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = { "DEVICE_CERTIFICATE_REVOKED", "DEVICE_CERTIFICATE_INVALID", "DEVICE_CERTIFICATE_REQUIRED" })
    void stopsOnEachOfE3sCertificateRefusals(String code) throws Exception {
        e3.refuseHeartbeats = new FakeE3.Failure(401, code);
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, null, fast());
        agent.start();

        assertThat(agent.awaitExit(DEADLINE)).isEqualTo(ExitReason.REVOKED);
        assertThat(agent.lastError()).contains(code);
    }

    @Test
    void renewsAtTwoThirdsOfTheLifetimeAndKeepsGoingWithTheNewCertificate() throws Exception {
        // Real certificates of an hour (then ten) and a clock the test moves, shared by
        // the agent's renewal schedule and E3's expiry check: nothing depends on how fast
        // the machine is.
        DeviceStore store = new DeviceStore(temp.resolve("agent"));
        MovableClock clock = new MovableClock(Instant.now());
        e3.clock = clock;
        agent = DeviceAgent.onboard(e3.url(), e3.trust(), FakeE3.TOKEN, store, fast().withClock(clock));
        DeviceIdentity first = agent.identity();
        Instant renewAt = RenewalSchedule.renewAt(first);
        clock.set(renewAt.minusSeconds(1));
        e3.deviceLifetime = Duration.ofHours(10);
        agent.start();

        await(() -> e3.heartbeats.get() >= 2, "heartbeats before the renewal time");
        assertThat(e3.renewals.get()).as("not before two thirds of the lifetime").isZero();

        clock.set(renewAt);
        await(() -> !agent.identity().serial().equals(first.serial()), "a renewal");
        assertThat(agent.identity().deviceId()).isEqualTo(first.deviceId());
        assertThat(store.credentials().identity()).isEqualTo(agent.identity());
        assertThat(store.credentials().key().getEncoded()).isEqualTo(agent.credentials().key().getEncoded());
        // Heartbeats now carry the new certificate, and the old one may expire without
        // harm.
        String renewed = agent.identity().serial();
        await(() -> e3.heartbeatSerials.getLast().toString(16).equals(renewed), "heartbeat with the new certificate");
        clock.set(first.notAfter().plusSeconds(1));
        int before = e3.heartbeats.get();
        await(() -> e3.heartbeats.get() > before, "heartbeats after the old certificate expired");
        assertThat(e3.heartbeatSerials.getLast().toString(16)).isEqualTo(renewed);
        assertThat(agent.exitReason()).isNull();
        assertThat(e3.renewals.get()).isEqualTo(1);
    }

    static FakeE3.Failure unavailable(int status) {
        return new FakeE3.Failure(status, "BACKEND_UNAVAILABLE");
    }

    /** What the agent told its listener, in order. */
    static final class Events implements AgentListener {

        final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void heartbeat() {
            log.add("heartbeat");
        }

        @Override
        public void retrying(E3Exception error, Duration wait) {
            log.add("retrying " + error.status() + " " + error.code());
        }

        @Override
        public void stopped(ExitReason reason) {
            log.add("stopped " + reason);
        }

    }

    static String state(JsonNode report) {
        var containers = report.path("containers");
        return containers.isEmpty() ? "" : containers.get(0).path("state").asString();
    }

    /**
     * Generous: CI runs on a loaded 2-core machine; a passing test never waits this long.
     */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, what, DEADLINE);
    }

    static void await(BooleanSupplier condition, String what, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

}
