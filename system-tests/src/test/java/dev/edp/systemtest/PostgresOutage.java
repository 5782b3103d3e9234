package dev.edp.systemtest;

import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.edp.agent.AgentOptions;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.Simulator;
import dev.edp.systemtest.ApiPoller.Sample;
import dev.edp.test.net.FaultProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL down for 30 s under the whole platform, started by the launcher as
 * {@code ./edp up} starts it, while 200 simulated devices heartbeat every 5 s through E3
 * and an operator calls the API through the gateway (docs/resilience.md).
 * <p>
 * The services reach PostgreSQL through platform-test's {@link FaultProxy} in this JVM:
 * the launcher's {@code EDP_DB_URL} points at the proxy, which forwards to a PostgreSQL
 * in this JVM (zonky's; 15 on this module's classpath, see the pom). {@code cut()} closes
 * every connection and refuses new ones, which is what the services see when PostgreSQL
 * stops. Keycloak keeps its own store (the launcher's choice for an external database),
 * so it stays up: the outage is the services' database only. Monitoring's report buffer
 * is made small ({@value #BUFFER_CAPACITY} entries) so that the fleet fills it within the
 * outage and the bound is reached: 503 {@code BUFFER_FULL} with {@code Retry-After}.
 * <p>
 * What must hold: during the cut, every API call answers 503 problem+json with
 * {@code Retry-After} within {@value #API_ANSWER_BOUND_SECONDS} s, never a 500; the
 * devices see no 500 either; every heartbeat accepted with 202 before or during the
 * outage is in monitoring's tables afterwards (checked for half the fleet, whose agents
 * stop when the outage ends, so that their last accepted heartbeat is the one that must
 * be stored); within {@value #RECOVERY_BOUND_SECONDS} s of PostgreSQL's return every
 * service is ready and every API answers 200, without any process restarted.
 * <p>
 * The platform is {@link PlatformFaultsIntegrationTests}' own (started with monitoring's
 * small buffer and the services' database behind the proxy): this outage is its first
 * fault, run before any process of the platform is killed or restarted, with a fleet of
 * its own that stops when the outage test ends. One platform start instead of two.
 */
final class PostgresOutage {

    static final int DEVICES = 200;

    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

    static final Duration OUTAGE = Duration.ofSeconds(30);

    /** Fewer than one history entry per device: the fleet fills it during the outage. */
    static final int BUFFER_CAPACITY = 150;

    /** What the platform must be started with for this test. */
    static final Map<String, String> ENVIRONMENT = Map.of("EDP_MONITORING_BUFFERCAPACITY",
            Integer.toString(BUFFER_CAPACITY));

    static final int API_ANSWER_BOUND_SECONDS = 10;

    static final int RECOVERY_BOUND_SECONDS = 10;

    static final Duration LONG_WAIT = Duration.ofMinutes(5);

    /** Management ports (before the offset) of every process the launcher starts. */
    static final Map<String, Integer> MANAGEMENT_PORTS = new LinkedHashMap<>();

    static {
        MANAGEMENT_PORTS.put("service-registry", 9761);
        MANAGEMENT_PORTS.put("portal-gateway", 9080);
        MANAGEMENT_PORTS.put("masterdata", 9081);
        MANAGEMENT_PORTS.put("onboarding", 9082);
        MANAGEMENT_PORTS.put("device-management", 9083);
        MANAGEMENT_PORTS.put("monitoring", 9084);
        MANAGEMENT_PORTS.put("e3-proxy", 9443);
    }

    /** One read per service that reads from the database, through the gateway. */
    static final List<String> API_CALLS = List.of("/api/masterdata/v1/machines?limit=10",
            "/api/onboarding/v1/tokens?limit=10", "/api/devices/v1/devices?limit=10",
            "/api/monitoring/v1/devices?limit=10");

    private final OwnPlatform platform;

    private final FaultProxy proxy;

    /** Monitoring's tables, read directly (not through the proxy). */
    private final String directJdbcUrl;

    private final String dbPassword;

    private final OwnPlatform.Users users;

    private final HttpClient http;

    /**
     * @param platform started with {@link #ENVIRONMENT}, its database reached through
     * {@code proxy}
     * @param proxy between the services and PostgreSQL
     * @param directJdbcUrl the services' database, not through the proxy
     * @param dbPassword the password of its user {@code edp}
     * @param users the platform's people
     * @param http for the reads and readiness checks
     */
    PostgresOutage(OwnPlatform platform, FaultProxy proxy, String directJdbcUrl, String dbPassword,
            OwnPlatform.Users users, HttpClient http) {
        this.platform = platform;
        this.proxy = proxy;
        this.directJdbcUrl = directJdbcUrl;
        this.dbPassword = dbPassword;
        this.users = users;
        this.http = http;
    }

    /**
     * PostgreSQL down for 30 s under 200 devices: quick 503s, no heartbeat lost, every
     * service back within 10 s.
     */
    void run() throws Exception {
        Instant began = Instant.now();
        // A new customer's operator (Keycloak is not behind the proxy: logging in
        // works during the outage too).
        String admin = users.platformAdmin();
        String code = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        String[] operatorUser = users.createOperator(admin, users.createCustomer(admin, code), code + "-op");
        String operator = users.login(operatorUser);

        // 200 devices, each with its own onboarding token, enrolled through E3.
        String prefix = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        AgentOptions options = AgentOptions.defaults()
            .withHeartbeatInterval(HEARTBEAT_INTERVAL)
            .withLongPollSeconds(20)
            .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(5));
        try (Simulator simulator = SimulatedFleet.enroll(platform, operator, DEVICES, options, prefix, LONG_WAIT);
                ApiPoller poller = new ApiPoller(http, platform.gatewayUrl(), API_CALLS)) {
            Instant started = Instant.now();
            System.out.printf("PostgreSQL outage test: %d devices enrolled and online in %d s%n", DEVICES,
                    Duration.between(began, started).toSeconds());

            // Before the outage: the operator's reads answer 200.
            poller.start(users.login(operatorUser));
            Await.until("reads answered 200 before the outage", Duration.ofSeconds(60),
                    () -> poller.answered(200) >= 2 * API_CALLS.size());
            Map<String, Long> pidsBefore = platform.pids();
            Simulator.Snapshot beforeCut = simulator.snapshot();

            // The outage.
            poller.token(users.login(operatorUser));
            Instant cutAt = Instant.now();
            proxy.cut();
            Thread.sleep(OUTAGE);
            // Half the fleet stops now: the last heartbeat each of these got a
            // 202 for was accepted before or during the outage, and nothing
            // newer comes from them.
            List<DeviceAgent> quiet = new ArrayList<>();
            List<DeviceAgent> agents = simulator.agents();
            for (int i = 0; i < agents.size(); i += 2) {
                quiet.add(agents.get(i));
            }
            try (ExecutorService stoppers = Executors.newVirtualThreadPerTaskExecutor()) {
                quiet.forEach(agent -> stoppers.submit(agent::stop));
            }
            Instant quietAt = Instant.now();
            Map<UUID, Map<String, Object>> lastAccepted = new HashMap<>();
            Map<UUID, Instant> lastAcceptedAt = new HashMap<>();
            Map<UUID, Map<String, Object>> lastSent = new HashMap<>();
            for (DeviceAgent agent : quiet) {
                lastAccepted.put(agent.identity().deviceId(), agent.lastHeartbeatBody());
                lastSent.put(agent.identity().deviceId(), agent.lastHeartbeatSent());
                lastAcceptedAt.put(agent.identity().deviceId(), agent.lastHeartbeat());
            }
            Simulator.Snapshot endOfOutage = simulator.snapshot();
            String recoveryToken = users.login(operatorUser);
            proxy.restore();
            Instant restoredAt = Instant.now();
            System.out.printf("PostgreSQL outage test: PostgreSQL cut for %d ms%n",
                    Duration.between(cutAt, restoredAt).toMillis());

            // Recovery: every service ready and every read 200, no process
            // restarted.
            Duration recovered = awaitRecovery(recoveryToken, restoredAt);
            System.out.printf("PostgreSQL outage test: every service ready and every read 200 %d ms after "
                    + "PostgreSQL's return%n", recovered.toMillis());
            assertThat(platform.pids()).as("no process restarted").isEqualTo(pidsBefore);
            assertThat(pidsBefore.values()).allMatch(pid -> ProcessHandle.of(pid).isPresent());

            // Heartbeats accepted before or during the outage are all in the
            // database.
            long acceptedDuringOutage = lastAcceptedAt.values()
                .stream()
                .filter(at -> at != null && at.isAfter(cutAt))
                .count();
            Map<String, Long> stored = awaitStored(directJdbcUrl, lastAccepted, lastSent);
            System.out.printf(
                    "PostgreSQL outage test: %d quiet devices, %d of them with their last 202 during the "
                            + "outage; stored %s, %d ms after the return%n",
                    quiet.size(), acceptedDuringOutage, stored, Duration.between(restoredAt, Instant.now()).toMillis());
            assertThat(acceptedDuringOutage).as("quiet devices whose last heartbeat was taken into the buffer")
                .isPositive();
            assertThat(endOfOutage.heartbeats() - beforeCut.heartbeats())
                .as("heartbeats accepted while PostgreSQL was cut")
                .isPositive();

            // The devices still running get through again.
            List<DeviceAgent> running = agents.stream().filter(a -> !quiet.contains(a)).toList();
            Await.until("every running device heartbeating again", Duration.ofSeconds(90), () -> running.stream()
                .allMatch(a -> a.lastHeartbeat() != null && a.lastHeartbeat().isAfter(restoredAt)));
            System.out.printf("PostgreSQL outage test: every running device heartbeating again %d ms after "
                    + "PostgreSQL's return%n", Duration.between(restoredAt, Instant.now()).toMillis());
            Thread.sleep(2_000);
            poller.close();

            // What the devices saw: 503s (the bound reached), never a 500.
            Map<String, Long> deviceErrors = simulator.snapshot().errors();
            System.out.println("PostgreSQL outage test: device errors " + deviceErrors);
            assertThat(deviceErrors.keySet()).as("device errors").noneMatch(key -> key.matches(".* 5(00|02|04)\\b.*"));
            assertThat(deviceErrors.keySet()).as("the buffer's bound reached: refused with 503 BUFFER_FULL")
                .anyMatch(key -> key.contains("503 BUFFER_FULL"));

            // What the operator saw.
            poller.print("PostgreSQL outage test", sample -> sample.sentAt().isBefore(cutAt) ? "1 before the cut"
                    : sample.sentAt().isBefore(restoredAt) ? "2 during the cut" : "3 after the return");
            for (Sample sample : poller.samples()) {
                if (!sample.sentAt().isBefore(cutAt) && sample.sentAt().isBefore(restoredAt)
                        && sample.status() != 503) {
                    System.out.printf(
                            "PostgreSQL outage test: sent %d ms after the cut, answered %d ms after "
                                    + "the return: %s%n",
                            Duration.between(cutAt, sample.sentAt()).toMillis(),
                            Duration.between(restoredAt, sample.answeredAt()).toMillis(), sample);
                }
            }
            assertThat(poller.samples()).as("no 500, 502 or 504 through the gateway, and no read unanswered")
                .noneMatch(s -> s.status() == 500 || s.status() == 502 || s.status() == 504 || s.status() < 0);
            List<Sample> duringCut = poller.samples()
                .stream()
                .filter(s -> s.sentAt().isAfter(cutAt.plusSeconds(2)) && s.answeredAt().isBefore(quietAt))
                .toList();
            for (String call : API_CALLS) {
                assertThat(duringCut).as("reads of %s during the cut", call)
                    .filteredOn(s -> s.call().equals(call))
                    .hasSizeGreaterThanOrEqualTo(2);
            }
            assertThat(duringCut).as("every read during the cut").allSatisfy(s -> {
                assertThat(s.status()).as(s.toString()).isEqualTo(503);
                assertThat(s.contentType()).as(s.toString()).startsWith("application/problem+json");
                assertThat(s.retryAfter()).as(s.toString()).isNotNull();
                assertThat(s.took()).as(s.toString()).isLessThan(Duration.ofSeconds(API_ANSWER_BOUND_SECONDS));
            });
            assertThat(recovered).as("every service ready and every read 200 after PostgreSQL's return")
                .isLessThanOrEqualTo(Duration.ofSeconds(RECOVERY_BOUND_SECONDS));
        }
        System.out.printf("PostgreSQL outage test: %d s in all (after the platform's start)%n",
                Duration.between(began, Instant.now()).toSeconds());
    }

    /**
     * Polls every service's readiness and every read until all are UP and 200 in one
     * round; prints when each first was. The checks of a round run at the same time, so
     * that a round lasts as long as its slowest answer, not as long as all answers one
     * after another (on a loaded machine that sum, not the services, decided the result).
     * @param token the operator's access token
     * @return how long after PostgreSQL's return that round ended
     */
    Duration awaitRecovery(String token, Instant restoredAt) throws InterruptedException {
        Instant deadline = restoredAt.plusSeconds(120);
        Map<String, String> checks = new LinkedHashMap<>();
        MANAGEMENT_PORTS.forEach((name, port) -> checks.put(name + " readiness",
                "http://localhost:" + platform.port(port) + "/actuator/health/readiness"));
        API_CALLS.forEach(call -> checks.put(call, platform.gatewayUrl() + call));
        Map<String, String> last = new TreeMap<>();
        Map<String, Long> firstOk = new TreeMap<>();
        while (Instant.now().isBefore(deadline)) {
            last.clear();
            Map<String, Thread> round = new LinkedHashMap<>();
            Map<String, String> answers = new ConcurrentHashMap<>();
            checks.forEach((what, url) -> round.put(what, Thread.ofVirtual()
                .start(() -> answers.put(what, Calls.status(http, url, url.contains("/actuator/") ? null : token)))));
            for (Thread check : round.values()) {
                check.join();
            }
            last.putAll(answers);
            Duration since = Duration.between(restoredAt, Instant.now());
            last.forEach((what, status) -> {
                if ("200".equals(status)) {
                    firstOk.putIfAbsent(what, since.toMillis());
                }
            });
            if (last.values().stream().allMatch("200"::equals)) {
                System.out.println("PostgreSQL outage test: first UP/200 after the return, in ms: " + firstOk);
                return since;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Not ready within 120 s of PostgreSQL's return: " + last);
    }

    /**
     * Waits until monitoring's status row of every quiet device holds the last heartbeat
     * it got a 202 for (same uptime and memory figures). Another row is allowed only when
     * it is the heartbeat that was on its way when the agent was stopped, whose 202 the
     * agent no longer took (its last one sent). Its arrival time says nothing: on a
     * loaded machine E3 may pass it on after the test stopped the agent.
     * @return how many rows matched exactly and how many held the heartbeat in flight
     */
    Map<String, Long> awaitStored(String jdbcUrl, Map<UUID, Map<String, Object>> lastAccepted,
            Map<UUID, Map<String, Object>> lastSent) throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        Map<UUID, String> mismatches = new TreeMap<>();
        while (true) {
            mismatches.clear();
            long exact = 0;
            long newerInFlight = 0;
            try (Connection db = DriverManager.getConnection(jdbcUrl, "edp", dbPassword);
                    PreparedStatement query = db.prepareStatement(
                            "SELECT uptime_seconds, memory_used, last_seen FROM monitoring.device_status WHERE device_id = ?")) {
                for (Map.Entry<UUID, Map<String, Object>> device : lastAccepted.entrySet()) {
                    Map<String, Object> body = device.getValue();
                    assertThat(body).as("device %s had a heartbeat accepted", device.getKey()).isNotNull();
                    long uptime = uptime(body);
                    long memory = memoryUsed(body);
                    Map<String, Object> inFlight = lastSent.get(device.getKey());
                    query.setObject(1, device.getKey());
                    try (ResultSet row = query.executeQuery()) {
                        if (!row.next()) {
                            mismatches.put(device.getKey(), "no status row");
                            continue;
                        }
                        long storedUptime = row.getLong(1);
                        long storedMemory = row.getLong(2);
                        Instant lastSeen = row.getTimestamp(3).toInstant();
                        if (storedUptime == uptime && storedMemory == memory) {
                            exact++;
                        }
                        else if (inFlight != null && storedUptime == uptime(inFlight)
                                && storedMemory == memoryUsed(inFlight)) {
                            newerInFlight++;
                        }
                        else {
                            mismatches.put(device.getKey(),
                                    "accepted uptime " + uptime + " memory " + memory + ", stored uptime "
                                            + storedUptime + " memory " + storedMemory + " at " + lastSeen);
                        }
                    }
                }
            }
            if (mismatches.isEmpty()) {
                return Map.of("exact", exact, "in flight", newerInFlight);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Heartbeats accepted with 202 but not in monitoring.device_status 60 s after "
                        + "PostgreSQL's return (" + mismatches.size() + " of " + lastAccepted.size() + "): "
                        + mismatches);
            }
            Thread.sleep(500);
        }
    }

    private static long uptime(Map<String, Object> heartbeat) {
        return ((Number) heartbeat.get("uptimeSeconds")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static long memoryUsed(Map<String, Object> heartbeat) {
        return ((Number) ((Map<String, Object>) heartbeat.get("memory")).get("usedBytes")).longValue();
    }

}
