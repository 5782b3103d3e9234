package dev.edp.systemtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import dev.edp.agent.AgentOptions;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.Simulator;
import dev.edp.systemtest.ApiPoller.Sample;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The faults of the whole platform other than PostgreSQL's (that one is
 * {@link PostgresOutageIntegrationTests}), one after another on one platform started by
 * the launcher as {@code ./edp up} starts it, while {@value #DEVICES} simulated devices
 * heartbeat every 5 s and hold desired-state long-polls through E3 and an operator reads
 * through the gateway (docs/resilience.md):
 * <ol>
 * <li>one of two device-management instances killed with SIGKILL;</li>
 * <li>E3 restarted;</li>
 * <li>Keycloak killed and started again;</li>
 * <li>the registry killed, monitoring moved to another address meanwhile, the registry
 * started again.</li>
 * </ol>
 * Processes are killed, restarted and started beside the launcher's with
 * {@link LaunchedProcess}: the same command line and environment, read from
 * {@code /proc}. The services' database is a PostgreSQL in this JVM; Keycloak keeps its
 * own store (the launcher's choice for an external database), so killing it loses
 * nothing.
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

    OwnPlatform platform;

    OwnPlatform.Users users;

    String customerId;

    String[] operatorUser;

    String[] releases;

    Simulator simulator;

    ApiPoller poller;

    String operatorToken;

    Instant operatorTokenAt;

    @BeforeAll
    void startPlatformFleetAndOperator() throws Exception {
        assertThat(OwnPlatform.allFree(PORT_OFFSET))
            .as("ports of the faults test's platform (offset %d) are free", PORT_OFFSET)
            .isTrue();
        RestoreFromBackupIntegrationTests.deleteRecursively(stateDir);
        Files.createDirectories(stateDir);
        Instant began = Instant.now();
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        try (Connection admin = postgres.getPostgresDatabase().getConnection()) {
            OwnPlatform.createServicesDatabase(admin, dbPassword);
        }
        platform = OwnPlatform.start(repositoryRoot, stateDir, PORT_OFFSET,
                "jdbc:postgresql://localhost:" + postgres.getPort() + "/edp", dbPassword, START, Map.of());
        Instant platformUp = Instant.now();
        users = new OwnPlatform.Users(platform);
        String admin = users.platformAdmin();
        String code = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        customerId = users.createCustomer(admin, code);
        operatorUser = users.createOperator(admin, customerId, code + "-op");
        String operator = users.login(operatorUser);
        String application = Calls.lineMonitor(devices(""), operator);
        releases = new String[] { Calls.release(devices(""), operator, application, "1.0.0"),
                Calls.release(devices(""), operator, application, "2.0.0") };
        AgentOptions options = AgentOptions.defaults()
            .withHeartbeatInterval(Duration.ofSeconds(5))
            .withLongPollSeconds(20)
            .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(5));
        simulator = SimulatedFleet.enroll(platform, operator, DEVICES, options, code, LONG_WAIT);
        String reader = users.login(operatorUser);
        Await.answer("every device ACTIVE in device-management", LONG_WAIT,
                () -> send("GET", devices("/devices?limit=500&lifecycle=ACTIVE"), null, null, reader),
                body -> JsonPath.<List<?>>read(body, "$.items[?(@.lifecycle == 'ACTIVE')]").size() == DEVICES);
        System.out.printf("%s: platform up in %d s, %d devices enrolled and online %d s later%n", LABEL,
                Duration.between(began, platformUp).toSeconds(), DEVICES,
                Duration.between(platformUp, Instant.now()).toSeconds());
        poller = new ApiPoller(http, platform.gatewayUrl(), API_CALLS);
        poller.start(operator);
        Await.until("reads answered 200 before the faults", Duration.ofSeconds(60),
                () -> poller.answered(200) >= 2 * API_CALLS.size());
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (poller != null) {
            poller.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        for (Process process : started) {
            process.destroy();
        }
        for (Process process : started) {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (platform != null) {
            platform.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * A second device-management instance takes E3's and the gateway's requests; then the
     * first is killed with SIGKILL. It stays in the registry until its lease expires, but
     * every request that meets it is sent on to the survivor: the operator's reads answer
     * 200 again within {@link #REROUTED_WITHIN} of the kill, and a rollout started after
     * the kill succeeds and reaches every device (the survivor answers all long-polls and
     * has taken the rollout scheduler's lock over).
     */
    @Test
    @Order(1)
    void aSigkilledInstanceOfTwoIsTakenOverByTheOther() throws Exception {
        LaunchedProcess first = LaunchedProcess.of(platform.pids().get("device-management"));
        Process second = startBeside(first, 8193, "device-management-2");
        awaitReady("the second device-management", second, 9193);
        Await.until("E3 and the gateway send requests to the second instance", Duration.ofMinutes(2),
                () -> served(9193, "/devices/api/v1/device/desired-state") > 0
                        && served(9193, "/api/devices/v1/devices") > 0);
        refreshOperatorToken();
        Simulator.Snapshot before = simulator.snapshot();

        first.kill();
        Instant killedAt = Instant.now();
        // A rollout in two groups: its second group is started by the rollout scheduler,
        // which runs on one instance at a time (ShedLock), so the survivor must have
        // taken the scheduler over, also if the killed instance held its lock.
        String rollout = Calls.createdId(send("POST", devices("/rollouts"), "application/json",
                "{\"releaseId\":\"" + releases[0] + "\",\"environment\":\"TESTING\",\"groups\":[{\"size\":\"50%\"},"
                        + "{\"size\":\"100%\"}],\"groupTimeout\":\"PT10M\"}",
                operator()));
        String done = Await.answer("the rollout started after the kill ended", LONG_WAIT,
                () -> send("GET", devices("/rollouts/" + rollout), null, null, operator()),
                body -> !List.of("RUNNING", "WAITING").contains(JsonPath.<String>read(body, "$.status")));
        assertThat(JsonPath.<String>read(done, "$.status")).as(done).isEqualTo("SUCCEEDED");
        Await.until("every device received the release of the rollout started after the kill", LONG_WAIT,
                () -> simulator.agents().stream().allMatch(agent -> received(agent, releases[0])));
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
    @Order(2)
    void e3RestartedTheDevicesComeBackSpreadOutAndResume() throws Exception {
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
    @Order(3)
    void keycloakDownAndBack() throws Exception {
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
    @Order(4)
    void registryDownWhileMonitoringMovesAndBack() throws Exception {
        refreshOperatorToken();
        LaunchedProcess registry = LaunchedProcess.of(platform.pids().get("service-registry"));
        LaunchedProcess monitoring = LaunchedProcess.of(platform.pids().get("monitoring"));
        registry.kill();
        Instant downAt = Instant.now();
        awaitReadsAndReports("while the registry is down", downAt);
        List<Sample> beforeTheMove = poller.sentSince(downAt);

        monitoring.kill();
        Instant movedAt = Instant.now();
        Process moved = startBeside(monitoring, 8194, "monitoring-moved");
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
        try {
            HttpResponse<String> metrics = http.send(HttpRequest
                .newBuilder(URI.create("http://localhost:" + platform.port(managementPort) + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
            return metrics.body()
                .lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count{") && line.contains("uri=\"" + uri))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
        }
        catch (IOException ex) {
            return 0;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return 0;
        }
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
