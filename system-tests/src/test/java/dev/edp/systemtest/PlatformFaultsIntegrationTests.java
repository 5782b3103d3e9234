package dev.edp.systemtest;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.jayway.jsonpath.JsonPath;
import dev.edp.agent.AgentOptions;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.Simulator;
import dev.edp.systemtest.ApiPoller.Sample;
import dev.edp.test.mail.Mails;
import dev.edp.test.net.FaultProxy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The faults of the whole platform, one after another on one platform started by the
 * launcher as {@code ./edp up} starts it (docs/resilience.md). First PostgreSQL down for
 * 30 s ({@link PostgresOutage}, with a fleet of its own, while every process is still the
 * launcher's: the services reach PostgreSQL through a {@link FaultProxy} in this JVM).
 * Then the restore from a backup ({@link RestoreFromBackup}: the platform stopped, its
 * database restored, the platform started again), and on the restored platform, while
 * {@value #DEVICES} simulated devices heartbeat every 5 s and hold desired-state
 * long-polls through E3 and an operator reads through the gateway:
 * <ol>
 * <li>a rollout while two device-management instances run, then one of them killed with
 * SIGKILL;</li>
 * <li>E3 restarted;</li>
 * <li>Keycloak killed and started again;</li>
 * <li>the registry killed, monitoring moved to another address meanwhile, the registry
 * started again;</li>
 * <li>one of two onboarding instances killed with SIGKILL while devices enroll;</li>
 * <li>one of two monitoring instances killed with SIGKILL while it sends alert
 * e-mails.</li>
 * </ol>
 * Processes are killed, restarted and started beside the launcher's with
 * {@link LaunchedProcess}: the same command line and environment, read from
 * {@code /proc}. The services' database is a PostgreSQL in this JVM; Keycloak keeps its
 * own store (the launcher's choice for an external database), so killing it loses
 * nothing. For the faults after the restore, monitoring's e-mails reach a real SMTP
 * server in this JVM (GreenMail), and a device is OFFLINE after 10 s without a heartbeat
 * instead of 90 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformFaultsIntegrationTests {

    static final String LABEL = "Platform faults test";

    /** This test's own platform's offset (reserved for this JVM). */
    static final int PORT_OFFSET = OwnPlatform.reserveOffset();

    static final int DEVICES = 200;

    static final Duration START = Duration.ofMinutes(15);

    static final Duration LONG_WAIT = Duration.ofMinutes(5);

    /** How long after its first error an API call must answer 200 again. */
    static final Duration REROUTED_WITHIN = Duration.ofSeconds(1);

    static final List<String> API_CALLS = List.of("/api/masterdata/v1/machines?limit=10",
            "/api/onboarding/v1/tokens?limit=10", "/api/devices/v1/devices?limit=10",
            "/api/monitoring/v1/devices?limit=10");

    static final String MONITORING_READ = "/api/monitoring/v1/devices?limit=10";

    /** Devices that enroll while an onboarding instance is killed. */
    static final int ENROLLING = 60;

    /** Devices silenced before and after a monitoring instance is killed. */
    static final int SILENCED_BEFORE = 30;

    static final int SILENCED_AFTER = 20;

    /** How soon after a monitoring instance's kill every alert e-mail must be sent. */
    static final Duration TAKEN_OVER_WITHIN = Duration.ofSeconds(150);

    /** Spare ports (before the offset), {@link OwnPlatform#SPARE_PORTS}. */
    static final int SMTP_PORT = 8130;

    final Path repositoryRoot = OwnPlatform.repositoryRoot();

    final Path stateDir = repositoryRoot.resolve("system-tests/target/faults-state");

    final String dbPassword = "edp-faults-" + UUID.randomUUID();

    final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    /** What this test started beside the launcher; stopped at the end. */
    final List<Process> started = new ArrayList<>();

    EmbeddedPostgres postgres;

    /** Between the services and {@link #postgres}; cut by the outage test only. */
    FaultProxy proxy;

    GreenMail mail;

    /** Monitoring now: the launcher's, until the registry test moves it. */
    LaunchedProcess monitoring;

    int monitoringManagementPort = 9084;

    OwnPlatform platform;

    /**
     * Whether the platform runs with {@link #faultsEnvironment()}: since the restore test
     * started it again, or {@link #fleet()} did.
     */
    boolean faultsEnvironment;

    OwnPlatform.Users users;

    /** The customer's code, also the prefix of its fleet's device names. */
    String code;

    String customerId;

    String[] operatorUser;

    String[] releases;

    /** The fleet of the faults after the outage: {@link #fleet()}. */
    Simulator simulator;

    ApiPoller poller;

    String operatorToken;

    Instant operatorTokenAt;

    @BeforeAll
    void startPlatformAndOperator() throws Exception {
        assertThat(OwnPlatform.allFree(PORT_OFFSET))
            .as("ports of the faults test's platform (offset %d) are free", PORT_OFFSET)
            .isTrue();
        RestoreFromBackup.deleteRecursively(stateDir);
        Files.createDirectories(stateDir);
        Instant began = Instant.now();
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        try (Connection admin = postgres.getPostgresDatabase().getConnection()) {
            OwnPlatform.createServicesDatabase(admin, dbPassword);
        }
        proxy = FaultProxy.start("localhost", postgres.getPort());
        mail = new GreenMail(new ServerSetup(SMTP_PORT + PORT_OFFSET, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        // The outage test's settings first; the faults' ones when the platform starts
        // again.
        platform = OwnPlatform.start(repositoryRoot, stateDir, PORT_OFFSET, proxy.jdbcUrl(directJdbcUrl()), dbPassword,
                START, PostgresOutage.ENVIRONMENT);
        monitoring = LaunchedProcess.of(platform.pids().get("monitoring"));
        System.out.printf("%s: platform up in %d s%n", LABEL, Duration.between(began, Instant.now()).toSeconds());
        users = new OwnPlatform.Users(platform);
        String admin = users.platformAdmin();
        code = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        customerId = users.createCustomer(admin, code);
        operatorUser = users.createOperator(admin, customerId, code + "-op");
        String operator = users.login(operatorUser);
        String application = Calls.lineMonitor(devices(""), operator);
        releases = new String[] { Calls.release(devices(""), operator, application, "1.0.0"),
                Calls.release(devices(""), operator, application, "2.0.0"),
                Calls.release(devices(""), operator, application, "0.9.0") };
    }

    /**
     * The fleet and the operator's reads of the faults after the outage: enrolled before
     * the first of them, once.
     */
    private void fleet() throws Exception {
        if (simulator != null) {
            return;
        }
        if (!faultsEnvironment) {
            // Not started again by the restore test (a fault run alone): started again
            // here.
            platform.close();
            platform = OwnPlatform.start(repositoryRoot, stateDir, PORT_OFFSET, proxy.jdbcUrl(directJdbcUrl()),
                    dbPassword, START, faultsEnvironment());
            faultsEnvironment = true;
            monitoring = LaunchedProcess.of(platform.pids().get("monitoring"));
        }
        Instant began = Instant.now();
        String operator = users.login(operatorUser);
        simulator = SimulatedFleet.enroll(platform, operator, DEVICES, deviceOptions(), code, LONG_WAIT);
        String reader = users.login(operatorUser);
        Await.answer("every device ACTIVE in device-management", LONG_WAIT,
                () -> send("GET", devices("/devices?limit=500&lifecycle=ACTIVE"), null, null, reader),
                body -> JsonPath.<List<?>>read(body, "$.items[?(@.lifecycle == 'ACTIVE')]").size() == DEVICES);
        System.out.printf("%s: %d devices enrolled and online in %d s%n", LABEL, DEVICES,
                Duration.between(began, Instant.now()).toSeconds());
        poller = new ApiPoller(http, platform.gatewayUrl(), API_CALLS);
        poller.start(operator);
        Await.until("reads answered 200 before the faults", Duration.ofSeconds(60),
                () -> poller.answered(200) >= 2 * API_CALLS.size());
    }

    /**
     * The faults' settings: monitoring's e-mails to {@link #mail}, a device OFFLINE after
     * 10 s without a heartbeat. Not the outage test's small report buffer: a device
     * refused with 503 BUFFER_FULL waits its Retry-After of 10 s or more, and would be
     * OFFLINE meanwhile.
     */
    private Map<String, String> faultsEnvironment() {
        return Map.of("SPRING_MAIL_HOST", "127.0.0.1", "SPRING_MAIL_PORT", Integer.toString(SMTP_PORT + PORT_OFFSET),
                "EDP_MONITORING_OFFLINEAFTER", "10s");
    }

    private String directJdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/edp";
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (poller != null) {
            poller.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        // Nothing of the platform is used again: no orderly stop.
        for (Process process : started) {
            process.destroyForcibly();
        }
        for (Process process : started) {
            process.waitFor(60, TimeUnit.SECONDS);
        }
        if (platform != null) {
            platform.discard();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    /**
     * {@link PostgresOutage}: PostgreSQL cut for 30 s under the platform while every
     * process is the launcher's.
     */
    @Test
    @Order(1)
    void postgresDownFor30sUnder200DevicesIsQuick503sNoHeartbeatLostAndEveryServiceBackWithin10s() throws Exception {
        new PostgresOutage(platform, proxy, directJdbcUrl(), dbPassword, users, http).run();
    }

    /**
     * {@link RestoreFromBackup}: the platform stopped, its database restored from a
     * backup, started again; the faults after this one run on the restored platform.
     */
    @Test
    @Order(2)
    void aDeviceEnrolledBeforeTheBackupPassesE3AndIsSeenByItsOperatorAfterTheDatabaseIsRestored(@TempDir Path agentDir)
            throws Exception {
        RestoreFromBackup restore = new RestoreFromBackup(platform, stateDir, PORT_OFFSET, postgres, dbPassword,
                proxy.jdbcUrl(directJdbcUrl()), faultsEnvironment(), users);
        try {
            restore.run(agentDir);
        }
        finally {
            platform = restore.platform();
            if (restore.restarted()) {
                faultsEnvironment = true;
                monitoring = LaunchedProcess.of(platform.pids().get("monitoring"));
            }
        }
    }

    /**
     * A second device-management instance takes E3's and the gateway's requests. A
     * rollout in two groups while both run: their schedulers take turns under one lock,
     * and every device is assigned exactly once. Then the first is killed with SIGKILL.
     * It stays in the registry until its lease expires, but every request that meets it
     * is sent on to the survivor: the operator's reads answer 200 again within
     * {@link #REROUTED_WITHIN} of the kill, and a rollout started after the kill succeeds
     * and reaches every device (the survivor answers all long-polls and has taken the
     * rollout scheduler's lock over).
     */
    @Test
    @Order(3)
    void aSigkilledInstanceOfTwoIsTakenOverByTheOther() throws Exception {
        fleet();
        LaunchedProcess first = LaunchedProcess.of(platform.pids().get("device-management"));
        startSecond(first, 8193, "device-management-2", "/devices/api/v1/device/desired-state",
                "/api/devices/v1/devices");
        // Both alive: their rollout schedulers take turns under one lock, and each group
        // is started once: every device assigned exactly once.
        Instant bothAt = Instant.now();
        String bothAlive = rolloutToEveryDevice(releases[2], "the rollout while both instances run");
        try (Connection db = postgres.getDatabase("postgres", "edp").getConnection()) {
            Map<String, Long> assignments = rows(db, """
                    SELECT device_id, count(*) FROM devices.rollout_device_event
                    WHERE rollout_id = CAST(? AS uuid) AND status = 'ASSIGNED' GROUP BY device_id""", bothAlive);
            assertThat(assignments).as("devices assigned by the rollout run while both instances run").hasSize(DEVICES);
            assertThat(assignments).allSatisfy((device, times) -> assertThat(times).as(device).isEqualTo(1L));
        }
        System.out.printf(
                "%s: a rollout (2 groups) with both device-management instances running reached every "
                        + "device in %d ms, each assigned once%n",
                LABEL, Duration.between(bothAt, Instant.now()).toMillis());
        Simulator.Snapshot before = simulator.snapshot();

        first.kill();
        Instant killedAt = Instant.now();
        // A rollout in two groups: its second group is started by the rollout scheduler,
        // which runs on one instance at a time (ShedLock), so the survivor must have
        // taken the scheduler over, also if the killed instance held its lock.
        rolloutToEveryDevice(releases[0], "the rollout started after the kill");
        System.out.printf(
                "%s: device-management killed; the rollout started after it (2 groups) succeeded and "
                        + "reached every device %d ms after the kill%n",
                LABEL, Duration.between(killedAt, Instant.now()).toMillis());
        Instant rerouted = killedAt.plus(REROUTED_WITHIN);
        Await.until("reads sent after the kill", Duration.ofSeconds(60),
                () -> poller.sentSince(rerouted).stream().filter(s -> s.call().contains("/api/devices/")).count() >= 3);

        Map<String, Long> deviceErrors = errorsSince(before);
        System.out.printf("%s: device errors since the kill %s%n", LABEL, deviceErrors);
        poller.print(LABEL, period("device-management killed", killedAt));
        assertThat(poller.sentSince(rerouted)).as("reads sent %s or later after the kill", REROUTED_WITHIN)
            .allSatisfy(sample -> assertThat(sample.status()).as(sample.toString()).isEqualTo(200));
        // Long-polls held by the killed instance end with an error; the devices poll
        // again.
        assertThat(deviceErrors.keySet()).as("device errors since the kill").noneMatch(key -> key.contains(" 500"));
        assertThat(simulator.snapshot().stopped()).as("devices that gave up").isEmpty();
    }

    /**
     * E3 stopped as a deployment stops it and started again (new signing keys, the
     * services learn them on first sight): every device heartbeats again, none is told it
     * is revoked, their returns are spread out by the agents' jittered backoff rather
     * than one herd, and their long-polls resume (a release pinned afterwards reaches
     * all).
     */
    @Test
    @Order(4)
    void e3RestartedTheDevicesComeBackSpreadOutAndResume() throws Exception {
        fleet();
        LaunchedProcess e3 = LaunchedProcess.of(platform.pids().get("e3-proxy"));
        List<DeviceAgent> agents = simulator.agents();
        Simulator.Snapshot before = simulator.snapshot();
        e3.stop();
        Instant stoppedAt = Instant.now();
        started.add(e3.startAgain(Map.of(), platform.logsDir().resolve("e3-proxy-restarted.log")));
        Map<DeviceAgent, Instant> back = new ConcurrentHashMap<>();
        Await.until("every device heartbeating through the restarted E3", LONG_WAIT, () -> {
            for (DeviceAgent agent : agents) {
                Instant last = agent.lastHeartbeat();
                if (last != null && last.isAfter(stoppedAt)) {
                    back.putIfAbsent(agent, last);
                }
            }
            return back.size() == agents.size();
        });
        List<Instant> returns = back.values().stream().sorted().toList();
        Duration spread = Duration.between(returns.getFirst(), returns.getLast());
        long distinctSeconds = returns.stream().map(at -> at.toEpochMilli() / 100).distinct().count();
        System.out.printf(
                "%s: E3 restarted; first device back %d ms after the stop, last %d ms, spread %d ms over %d distinct "
                        + "tenths of a second; 10th/50th/90th percentile %d/%d/%d ms after the first%n",
                LABEL, Duration.between(stoppedAt, returns.getFirst()).toMillis(),
                Duration.between(stoppedAt, returns.getLast()).toMillis(), spread.toMillis(), distinctSeconds,
                sinceFirst(returns, 10), sinceFirst(returns, 50), sinceFirst(returns, 90));
        assertThat(spread).as("the devices' returns are spread out, not one herd")
            .isGreaterThanOrEqualTo(Duration.ofSeconds(1));

        Calls.expect(send("PUT", devices("/environments/TESTING/release"), "application/json",
                "{\"releaseId\":\"" + releases[1] + "\"}", users.login(operatorUser)), 200);
        Await.until("every device received the release pinned after E3's restart", LONG_WAIT,
                () -> agents.stream().allMatch(agent -> received(agent, releases[1])));
        Map<String, Long> deviceErrors = errorsSince(before);
        System.out.printf("%s: device errors since E3's stop %s%n", LABEL, deviceErrors);
        assertThat(deviceErrors.keySet()).as("no device refused for its identity after E3's restart")
            .noneMatch(key -> key.contains(" 401"));
        assertThat(simulator.snapshot().stopped()).as("devices that gave up").isEmpty();
    }

    /**
     * Keycloak killed: reads with unexpired tokens keep answering 200 (the services keep
     * the realm's keys), the devices keep reporting, and creating a user answers 503
     * {@code IDENTITY_PROVIDER_UNAVAILABLE} with {@code Retry-After} and creates nothing.
     * Started again, logins and user creation work without touching any service.
     */
    @Test
    @Order(5)
    void keycloakDownAndBack() throws Exception {
        fleet();
        String admin = users.platformAdmin();
        refreshOperatorToken();
        LaunchedProcess keycloak = LaunchedProcess.of(platform.pids().get("keycloak"));
        keycloak.kill();
        Instant downAt = Instant.now();

        String refusedUser = "faults-refused-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> refused = send("POST", users(), "application/json",
                "{\"username\":\"" + refusedUser + "\",\"email\":\"" + refusedUser
                        + "@example.com\",\"firstName\":\"No\",\"lastName\":\"Body\"," + "\"role\":\"operator\"}",
                admin);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JsonPath.<String>read(refused.body(), "$.code")).isEqualTo("IDENTITY_PROVIDER_UNAVAILABLE");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        awaitReadsAndReports("while Keycloak is down", downAt);
        List<Sample> whileDown = poller.sentSince(downAt);

        started.add(keycloak.startAgain(Map.of(), platform.logsDir().resolve("keycloak-restarted.log")));
        Await.until("Keycloak answering again", LONG_WAIT, () -> "200"
            .equals(Calls.status(http, platform.keycloakUrl() + "/realms/edp/.well-known/openid-configuration", null)));
        Instant upAt = Instant.now();
        System.out.printf("%s: Keycloak down for %d ms%n", LABEL, Duration.between(downAt, upAt).toMillis());
        poller.print(LABEL, period("Keycloak killed", downAt));
        assertThat(whileDown).as("reads with unexpired tokens while Keycloak is down")
            .allSatisfy(sample -> assertThat(sample.status()).as(sample.toString()).isEqualTo(200));

        String adminAgain = users.platformAdmin();
        String[] newOperator = users.createOperator(adminAgain, customerId,
                "faults-back-" + UUID.randomUUID().toString().substring(0, 8));
        assertThat(users.login(newOperator)).isNotBlank();
        HttpResponse<String> listed = Calls.expect(send("GET", users() + "?limit=100", null, null, adminAgain), 200);
        assertThat(listed.body()).as("users of the customer").contains(newOperator[0]).doesNotContain(refusedUser);
    }

    /**
     * The registry killed: routing goes on with the instances the gateway and E3 know.
     * Meanwhile monitoring moves to another address (killed, started on other ports);
     * once the registry is back, the moved monitoring registers and is routed to again,
     * by E3 (heartbeats) and the gateway (reads).
     */
    @Test
    @Order(6)
    void registryDownWhileMonitoringMovesAndBack() throws Exception {
        fleet();
        refreshOperatorToken();
        LaunchedProcess registry = LaunchedProcess.of(platform.pids().get("service-registry"));
        registry.kill();
        Instant downAt = Instant.now();
        awaitReadsAndReports("while the registry is down", downAt);
        List<Sample> beforeTheMove = poller.sentSince(downAt);

        monitoring.kill();
        Instant movedAt = Instant.now();
        Process moved = startBeside(monitoring, 8194, "monitoring-moved");
        monitoring = LaunchedProcess.of(moved.pid());
        monitoringManagementPort = 9194;
        awaitReady("monitoring at its new address", moved, 9194);
        Process registryAgain = registry.startAgain(Map.of(), platform.logsDir().resolve("service-registry-2.log"));
        started.add(registryAgain);
        awaitReady("the registry", registryAgain, 9761);
        Instant backAt = Instant.now();
        Await.until("heartbeats and reads reach the moved monitoring", Duration.ofMinutes(3),
                () -> reportedSince(backAt) && poller.sentSince(backAt)
                    .stream()
                    .anyMatch(s -> s.call().equals(MONITORING_READ) && s.status() == 200));
        System.out.printf(
                "%s: the registry down for %d ms; monitoring moved; reached again %d ms after the "
                        + "registry's return%n",
                LABEL, Duration.between(downAt, backAt).toMillis(), Duration.between(backAt, Instant.now()).toMillis());
        poller.print(LABEL, sample -> sample.sentAt().isBefore(downAt) ? "0 before" : sample.sentAt().isBefore(movedAt)
                ? "1 registry down" : sample.sentAt().isBefore(backAt) ? "2 monitoring moved" : "3 registry back");
        assertThat(beforeTheMove).as("reads while the registry is down, before monitoring moved")
            .allSatisfy(sample -> assertThat(sample.status()).as(sample.toString()).isEqualTo(200));
        assertThat(poller.sentSince(downAt)).as("reads of the services that did not move, all the time")
            .filteredOn(sample -> !sample.call().equals(MONITORING_READ))
            .allSatisfy(sample -> assertThat(sample.status()).as(sample.toString()).isEqualTo(200));
        assertThat(simulator.snapshot().stopped()).as("devices that gave up").isEmpty();
    }

    /**
     * A second onboarding instance beside the first; {@value #ENROLLING} new devices
     * enroll through E3 and the first instance is killed with SIGKILL once a quarter of
     * them have. Enrollments it was answering fail at the device, which tries again with
     * the same key ({@link DeviceAgent#onboard}); the survivor answers them, also those
     * the killed instance had committed before its answer was lost (a used token with the
     * key it was used for gets that key's certificate again). Afterwards every device is
     * enrolled, its token has exactly one certificate, and device-management knows every
     * device ACTIVE with that certificate (the survivor's outbox relay delivered what the
     * killed one had claimed).
     */
    @Test
    @Order(7)
    void onboardingKilledWhileDevicesEnrollIssuesEveryCertificateOnce() throws Exception {
        fleet();
        LaunchedProcess first = LaunchedProcess.of(platform.pids().get("onboarding"));
        startSecond(first, 8187, "onboarding-2", "/api/onboarding/v1/tokens");
        String prefix = "faults-enroll-" + UUID.randomUUID().toString().substring(0, 8);
        // All at once, eight at a time: enrollments are in flight at both instances when
        // one is killed.
        try (Simulator enrolling = SimulatedFleet.start(platform, operator(), ENROLLING, deviceOptions(), prefix,
                Duration.ofSeconds(1))) {
            Await.until("a quarter of the devices enrolled", LONG_WAIT,
                    () -> enrolling.snapshot().onboarded() >= ENROLLING / 4);
            first.kill();
            Instant killedAt = Instant.now();
            long enrolledAtTheKill = enrolling.snapshot().onboarded();
            Await.until("every enrollment ended", LONG_WAIT,
                    () -> enrolling.snapshot().onboarded() + enrolling.snapshot().onboardingFailures() == ENROLLING);
            Simulator.Snapshot after = enrolling.snapshot();
            System.out.printf(
                    "%s: onboarding killed with %d of %d devices enrolled; all ended %d ms later, %d failed; device "
                            + "errors (retried) %s%n",
                    LABEL, enrolledAtTheKill, ENROLLING, Duration.between(killedAt, Instant.now()).toMillis(),
                    after.onboardingFailures(), after.errors());
            assertThat(enrolledAtTheKill).as("devices enrolled when onboarding was killed").isLessThan(ENROLLING);
            assertThat(after.onboardingFailures()).as("enrollments that failed for good").isZero();

            try (Connection db = postgres.getDatabase("postgres", "edp").getConnection()) {
                Map<String, Long> certificatesPerToken = rows(db, """
                        SELECT t.device_name, count(c.serial) FROM onboarding.onboarding_token t
                        LEFT JOIN onboarding.device_certificate c ON c.token_id = t.id
                        WHERE t.device_name LIKE ? GROUP BY t.device_name""", prefix + "-%");
                assertThat(certificatesPerToken).as("certificates per token").hasSize(ENROLLING);
                assertThat(certificatesPerToken).as("certificates per token")
                    .allSatisfy((device, certificates) -> assertThat(certificates).as(device).isEqualTo(1L));
                Await.until("device-management knows every enrolled device ACTIVE with its certificate", LONG_WAIT,
                        () -> count(db, """
                                SELECT count(*) FROM onboarding.onboarding_token t
                                JOIN onboarding.device_certificate c ON c.token_id = t.id
                                JOIN devices.device d ON d.id = c.device_id AND d.certificate_serial = c.serial
                                    AND d.lifecycle = 'ACTIVE'
                                WHERE t.device_name LIKE ?""", prefix + "-%") == ENROLLING);
                // A row is deleted after device-management answered, in the relay's own
                // transaction: rows the killed instance had delivered but not deleted are
                // sent again by the survivor (the call is idempotent), then deleted.
                String outbox = """
                        SELECT count(*) FROM onboarding.device_certificate_outbox o
                        JOIN onboarding.onboarding_token t ON t.device_id = o.device_id
                        WHERE t.device_name LIKE ? AND o.dead_at IS %s NULL""";
                Await.until("onboarding's outbox rows of the enrolled devices delivered", LONG_WAIT,
                        () -> count(db, outbox.formatted(""), prefix + "-%") == 0);
                assertThat(count(db, outbox.formatted("NOT"), prefix + "-%")).as("outbox rows given up (dead)")
                    .isZero();
            }
        }
    }

    /**
     * A second monitoring instance beside the current one; a customer-admin wants an
     * e-mail for every device that goes offline. {@value #SILENCED_BEFORE} devices stop;
     * as soon as the first alert e-mail arrives, the instance that sends (the one holding
     * the sending lock) is killed with SIGKILL, and {@value #SILENCED_AFTER} more devices
     * stop. The survivor takes the locks over (at most their {@code lockAtMostFor}, 30 s,
     * later) and every device gets one alert and one e-mail within
     * {@link #TAKEN_OVER_WITHIN} of the kill. An e-mail the killed instance sent but
     * could not record as sent is sent again with the same {@code Message-ID}: at most
     * one (one is in flight at a time), recognisable by the receiver.
     */
    @Test
    @Order(8)
    void monitoringKilledWhileItSendsAlertMailsEveryDeviceIsAlertedAndMailedOnce() throws Exception {
        fleet();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String customerAdmin = users
            .login(users.createUser(users.platformAdmin(), customerId, "faults-admin-" + suffix, "customer-admin"));
        String address = "ops-" + suffix + "@faults.example";
        Calls.expect(
                send("PUT", platform.gatewayUrl() + "/api/monitoring/v1/alert-rules", "application/json",
                        "{\"rules\":[{\"type\":\"DEVICE_OFFLINE\",\"enabled\":true,\"threshold\":0}]}", customerAdmin),
                200);
        String channel = Calls.createdId(
                send("POST", platform.gatewayUrl() + "/api/monitoring/v1/notification-channels", "application/json",
                        "{\"name\":\"ops\",\"type\":\"EMAIL\",\"emails\":[\"" + address + "\"]}", customerAdmin));
        LaunchedProcess first = monitoring;
        int firstManagementPort = monitoringManagementPort;
        // Heartbeats reach monitoring in E3's batches (e3-proxy README, "Heartbeats in
        // batches"): those reaching the second instance show that E3 balances to it.
        Process second = startSecond(first, 8230, "monitoring-2", "/api/monitoring/v1/internal/heartbeat-batches");

        List<DeviceAgent> agents = simulator.agents();
        List<DeviceAgent> silencedBefore = agents.subList(0, SILENCED_BEFORE);
        List<DeviceAgent> silencedAfter = agents.subList(SILENCED_BEFORE, SILENCED_BEFORE + SILENCED_AFTER);
        Instant from = Instant.now().minusSeconds(1);
        silencedBefore.parallelStream().forEach(DeviceAgent::stop);
        Await.until("the first alert e-mail", LONG_WAIT, () -> !mailsTo(address).isEmpty());
        int[] sender = new int[1];
        Await.until("an instance counted an e-mail sent", Duration.ofSeconds(60), () -> {
            for (int port : new int[] { firstManagementPort, 9230 }) {
                if (metric(port, "edp_notifications_sent_total{") > 0) {
                    sender[0] = port;
                    return true;
                }
            }
            return false;
        });
        LaunchedProcess victim = sender[0] == 9230 ? LaunchedProcess.of(second.pid()) : first;
        victim.kill();
        Instant killedAt = Instant.now();
        int mailsAtTheKill = mailsTo(address).size();
        silencedAfter.parallelStream().forEach(DeviceAgent::stop);

        List<String> silenced = agents.subList(0, SILENCED_BEFORE + SILENCED_AFTER)
            .stream()
            .map(agent -> agent.identity().deviceId().toString())
            .toList();
        // Every notification of the channel: besides the silenced devices', those of the
        // 60 devices the enrollment test stopped at its end, and of any device whose
        // heartbeats met the killed instance for 10 s. Device, alert, notification,
        // event,
        // status.
        String notifications = """
                SELECT a.device_id, a.id, n.id, n.event, n.status FROM monitoring.notification n
                JOIN monitoring.alert a ON a.id = n.alert_id WHERE n.channel_id = CAST(? AS uuid)""";
        List<String[]> rows;
        try (Connection db = postgres.getDatabase("postgres", "edp").getConnection()) {
            // Offline after 10 s, then the survivor's sweep, evaluation and sending, each
            // taken over at most 30 s after the kill (lockAtMostFor; 3 minutes for the
            // sending before the locks were kept alive).
            Await.until("an e-mail sent for every silenced device", TAKEN_OVER_WITHIN,
                    () -> query(db, notifications, channel).stream()
                        .filter(row -> silenced.contains(row[0]) && row[3].equals("OPENED") && row[4].equals("SENT"))
                        .count() >= silenced.size());
            Await.until("every notification of the channel sent or suppressed", LONG_WAIT,
                    () -> query(db, notifications, channel).stream().noneMatch(row -> row[4].equals("PENDING")));
            rows = query(db, notifications, channel);
            List<String> alertedSince = query(db, """
                    SELECT device_id FROM monitoring.alert WHERE customer_id = CAST(? AS uuid)
                    AND type = 'DEVICE_OFFLINE' AND opened_at >= ?""", customerId, from).stream()
                .map(row -> row[0])
                .filter(silenced::contains)
                .toList();
            assertThat(alertedSince).as("one offline alert per silenced device, none twice (two instances evaluate)")
                .containsExactlyInAnyOrderElementsOf(silenced);
        }
        Instant allSentAt = Instant.now();
        Map<String, Long> mailsPerId = new TreeMap<>();
        for (MimeMessage message : mailsTo(address)) {
            mailsPerId.merge(message.getMessageID(), 1L, Long::sum);
        }
        long duplicates = mailsPerId.values().stream().mapToLong(n -> n - 1).sum();
        Map<String, Long> byEventAndStatus = new TreeMap<>();
        rows.forEach(row -> byEventAndStatus.merge(row[3] + " " + row[4], 1L, Long::sum));
        System.out.printf(
                "%s: monitoring (the sender, management port %d) killed after %d e-mails; every silenced device "
                        + "mailed %d ms after the kill; notifications of the channel %s; %d e-mails, %d sent twice%n",
                LABEL, sender[0], mailsAtTheKill, Duration.between(killedAt, allSentAt).toMillis(), byEventAndStatus,
                mailsPerId.values().stream().mapToLong(Long::longValue).sum(), duplicates);
        assertThat(rows.stream().filter(row -> silenced.contains(row[0]) && row[3].equals("OPENED")))
            .as("silenced devices' opened notifications")
            .allSatisfy(row -> assertThat(row[4]).as(row[0]).isEqualTo("SENT"));
        assertThat(mailsPerId.keySet()).as("the e-mails' Message-IDs: one per notification sent")
            .containsExactlyInAnyOrderElementsOf(rows.stream()
                .filter(row -> row[4].equals("SENT"))
                .map(row -> "<edp-notification-" + row[2] + "." + row[1] + "@edp.invalid>")
                .toList());
        assertThat(duplicates).as("e-mails sent again (the one in flight at the kill, if any)").isLessThanOrEqualTo(1);
    }

    /**
     * Waits until every API call was sent a few times and every device reported since a
     * moment.
     * @param when for the failure message
     * @param since the moment
     */
    private void awaitReadsAndReports(String when, Instant since) throws InterruptedException {
        Await.until("reads of every call " + when, Duration.ofSeconds(90), () -> API_CALLS.stream()
            .allMatch(call -> poller.sentSince(since).stream().filter(s -> s.call().equals(call)).count() >= 3));
        Await.until("every device reporting " + when, Duration.ofSeconds(60), () -> reportedSince(since));
    }

    private boolean reportedSince(Instant since) {
        return simulator.agents()
            .stream()
            .allMatch(agent -> agent.lastHeartbeat() != null && agent.lastHeartbeat().isAfter(since));
    }

    private Process startBeside(LaunchedProcess original, int port, String name) throws IOException {
        Process process = original.startAgain(Map.of("SERVER_PORT", Integer.toString(platform.port(port)),
                "MANAGEMENT_SERVER_PORT", Integer.toString(platform.port(port + 1000))),
                platform.logsDir().resolve(name + ".log"));
        started.add(process);
        return process;
    }

    /**
     * Starts a second instance beside {@code original} and waits until it is ready and
     * requests of each path reach it (E3's or the gateway's load balancers know it).
     * @param port its port before the offset; its management port is 1000 above
     * @param uris request paths (their {@code http.server.requests} uri) that must reach
     * it
     */
    private Process startSecond(LaunchedProcess original, int port, String name, String... uris)
            throws IOException, InterruptedException {
        Process second = startBeside(original, port, name);
        awaitReady(name, second, port + 1000);
        refreshOperatorToken();
        Await.until("requests of " + List.of(uris) + " reach " + name, Duration.ofMinutes(2),
                () -> Arrays.stream(uris).allMatch(uri -> served(port + 1000, uri) > 0));
        return second;
    }

    private void awaitReady(String what, Process process, int managementPort) throws InterruptedException {
        String readiness = "http://localhost:" + platform.port(managementPort) + "/actuator/health/readiness";
        Await.until(what + " ready", LONG_WAIT, () -> {
            assertThat(process.isAlive()).as(what + " running").isTrue();
            return "200".equals(Calls.status(http, readiness, null));
        });
    }

    /**
     * @return how many requests of paths containing {@code uri} an instance finished, by
     * its {@code http.server.requests} metric
     */
    private long served(int managementPort, String uri) {
        return metric(managementPort, "http_server_requests_seconds_count{", "uri=\"" + uri);
    }

    private long metric(int managementPort, String prefix, String containing) {
        return Calls.metric(http, platform.port(managementPort), prefix, containing);
    }

    private long metric(int managementPort, String prefix) {
        return metric(managementPort, prefix, "");
    }

    private List<MimeMessage> mailsTo(String address) {
        return Mails.to(mail.getReceivedMessages(), address);
    }

    /**
     * @return the rows of a query, each column as text
     */
    private static List<String[]> query(Connection db, String sql, Object... parameters) {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object parameter = parameters[i];
                statement.setObject(i + 1, parameter instanceof Instant instant ? Timestamp.from(instant) : parameter);
            }
            List<String[]> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    String[] row = new String[columns];
                    for (int c = 0; c < columns; c++) {
                        row[c] = result.getString(c + 1);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
        catch (SQLException ex) {
            throw new IllegalStateException(sql, ex);
        }
    }

    /**
     * @return a two-column query's rows as name → count
     */
    private static Map<String, Long> rows(Connection db, String sql, Object... parameters) {
        Map<String, Long> rows = new TreeMap<>();
        query(db, sql, parameters).forEach(row -> rows.put(row[0], Long.parseLong(row[1])));
        return rows;
    }

    private static long count(Connection db, String sql, Object... parameters) {
        return Long.parseLong(query(db, sql, parameters).getFirst()[0]);
    }

    private void refreshOperatorToken() {
        poller.token(users.login(operatorUser));
    }

    /** The operator's token, logged in again after a minute (tokens live 5 minutes). */
    private String operator() {
        if (operatorToken == null || operatorTokenAt.isBefore(Instant.now().minusSeconds(60))) {
            operatorToken = users.login(operatorUser);
            operatorTokenAt = Instant.now();
        }
        return operatorToken;
    }

    private Map<String, Long> errorsSince(Simulator.Snapshot before) {
        Map<String, Long> since = new TreeMap<>();
        simulator.snapshot().errors().forEach((key, count) -> {
            long added = count - before.errors().getOrDefault(key, 0L);
            if (added > 0) {
                since.put(key, added);
            }
        });
        return since;
    }

    private static java.util.function.Function<Sample, String> period(String fault, Instant at) {
        return sample -> sample.sentAt().isBefore(at) ? "0 before" : "1 after " + fault;
    }

    /**
     * Starts a rollout of a release to TESTING in two groups (half, then the rest) and
     * waits until it SUCCEEDED and every device received the release.
     * @return the rollout's id
     */
    private String rolloutToEveryDevice(String release, String what) throws InterruptedException {
        String rollout = Calls.createdId(send("POST", devices("/rollouts"), "application/json",
                "{\"releaseId\":\"" + release + "\",\"environment\":\"TESTING\",\"groups\":[{\"size\":\"50%\"},"
                        + "{\"size\":\"100%\"}],\"groupTimeout\":\"PT10M\"}",
                operator()));
        String done = Await.answer(what + " ended", LONG_WAIT,
                () -> send("GET", devices("/rollouts/" + rollout), null, null, operator()),
                body -> !List.of("RUNNING", "WAITING").contains(JsonPath.<String>read(body, "$.status")));
        assertThat(JsonPath.<String>read(done, "$.status")).as(done).isEqualTo("SUCCEEDED");
        Await.until("every device received the release of " + what, LONG_WAIT,
                () -> simulator.agents().stream().allMatch(agent -> received(agent, release)));
        return rollout;
    }

    /**
     * The simulated devices: heartbeats every 5 s, long-polls of 20 s, backoff 0.5 to 5
     * s.
     */
    private static AgentOptions deviceOptions() {
        return AgentOptions.defaults()
            .withHeartbeatInterval(Duration.ofSeconds(5))
            .withLongPollSeconds(20)
            .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(5));
    }

    private static long sinceFirst(List<Instant> sorted, int percentile) {
        int index = Math.min(sorted.size() - 1, sorted.size() * percentile / 100);
        return Duration.between(sorted.getFirst(), sorted.get(index)).toMillis();
    }

    private static boolean received(DeviceAgent agent, String releaseId) {
        dev.edp.agent.DesiredState state = agent.desiredState();
        return state != null && state.releaseId() != null && releaseId.equals(state.releaseId().toString());
    }

    private String devices(String path) {
        return platform.gatewayUrl() + "/api/devices/v1" + path;
    }

    private String users() {
        return platform.gatewayUrl() + "/api/masterdata/v1/customers/" + customerId + "/users";
    }

}
