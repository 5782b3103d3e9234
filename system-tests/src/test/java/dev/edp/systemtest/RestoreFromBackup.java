package dev.edp.systemtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import dev.edp.agent.AgentOptions;
import dev.edp.agent.DeviceAgent;
import dev.edp.agent.DeviceStore;
import dev.edp.agent.E3Trust;
import dev.edp.deploy.S3StandIn;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Disaster recovery proven end to end, with the real parts: the platform runs on a
 * PostgreSQL (zonky's PostgreSQL 15 in this JVM) through {@code ./edp up}'s
 * {@code EDP_DB_URL}; an operator onboards a device with the agent library and it
 * heartbeats through E3; the real {@code deploy/backup/pgbackup.sh} dumps the database to
 * S3-compatible storage (deploy-tests' {@link S3StandIn}, which verifies AWS Signature
 * V4); the platform stops, the database is dropped and restored with the real
 * {@code pgrestore.sh}; the platform starts again on the restored data, and the device
 * still passes E3 (a heartbeat answers 202) and its operator sees it, while another
 * customer's operator does not, and what was created after the backup is gone.
 * <p>
 * What survives besides the dump is what a real restore keeps too: the platform's secrets
 * (the KEK that decrypts the CA keys in the dump, in the state directory's
 * {@code secrets.properties}, as the chart's {@code pki-kek} Secret) and the identity
 * provider (the launcher gives Keycloak its own store when the services use an external
 * database; pgbackup dumps the EDP database only).
 * <p>
 * The platform is {@link PlatformFaultsIntegrationTests}' own, after its PostgreSQL
 * outage and before its other faults, which then run on the restored platform: one
 * platform start fewer than a platform of this test's own. PostgreSQL 15 because Debian's
 * {@code pg_dump} is 15 and refuses a newer server (the CronJob's image carries 17's
 * tools for the platform's PostgreSQL 17).
 */
final class RestoreFromBackup {

    static final Duration RESTART = Duration.ofMinutes(8);

    static final Duration WAIT = Duration.ofSeconds(90);

    static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

    static final String BUCKET = "edp-backups";

    static final String PREFIX = "restore-test";

    static final String HEARTBEAT = """
            {"uptimeSeconds":120,"agentVersion":"%s","osVersion":"Debian 12","cpuLoad":12.5,
             "memory":{"usedBytes":1000,"totalBytes":4000},"systemDisk":{"usedBytes":10,"totalBytes":100},
             "containerDisk":{"usedBytes":5,"totalBytes":35},"containers":{"running":0,"total":0}}""";

    final Path repositoryRoot = OwnPlatform.repositoryRoot();

    private final Path stateDir;

    private final int portOffset;

    private final EmbeddedPostgres postgres;

    private final String dbPassword;

    /** What the services are given as {@code EDP_DB_URL} (the faults test's proxy). */
    private final String servicesJdbcUrl;

    private final Map<String, String> environment;

    private final OwnPlatform.Users users;

    /** The platform now: the one given until it is stopped, then the restarted one. */
    private OwnPlatform platform;

    private boolean restarted;

    /**
     * @param platform running on {@code postgres}, database {@code edp}, user {@code edp}
     * @param stateDir its state directory
     * @param portOffset its port offset
     * @param servicesJdbcUrl its {@code EDP_DB_URL}
     * @param environment what it was started with besides, for the restart
     */
    RestoreFromBackup(OwnPlatform platform, Path stateDir, int portOffset, EmbeddedPostgres postgres, String dbPassword,
            String servicesJdbcUrl, Map<String, String> environment, OwnPlatform.Users users) {
        this.platform = platform;
        this.stateDir = stateDir;
        this.portOffset = portOffset;
        this.postgres = postgres;
        this.dbPassword = dbPassword;
        this.servicesJdbcUrl = servicesJdbcUrl;
        this.environment = environment;
        this.users = users;
    }

    /**
     * @return the platform now: the given one, or the one started on the restored data
     * (or a stopped one when the restart failed)
     */
    OwnPlatform platform() {
        return platform;
    }

    /**
     * @return whether the platform was started again on the restored data
     */
    boolean restarted() {
        return restarted;
    }

    /**
     * Backup, the platform stopped, the database dropped and restored, the platform
     * started again; what must hold of the restored data is asserted. The restarted
     * platform keeps running ({@link #platform()}).
     */
    void run(Path agentDir) throws Exception {
        Instant began = Instant.now();
        for (String program : List.of("pg_dump", "pg_restore", "curl")) {
            assertThat(onPath(program)).as(program + " (Debian: postgresql-client-15, curl; .ci/run installs them)")
                .isTrue();
        }
        try (S3StandIn s3 = new S3StandIn(BUCKET, 2)) {
            String jdbcUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/edp";
            assertThat(serverVersion(jdbcUrl)).as("the platform runs on PostgreSQL 15 here").startsWith("15.");

            // 1. The platform on PostgreSQL 15; a customer's operator onboards a device,
            // which heartbeats.
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            Onboarded device;
            String tokenAfterBackup;
            String[] userA;
            String[] userB;
            try (OwnPlatform platform = this.platform) {
                String admin = users.platformAdmin();
                String customerA = users.createCustomer(admin, "restore-a-" + suffix);
                String customerB = users.createCustomer(admin, "restore-b-" + suffix);
                userA = users.createOperator(admin, customerA, "restore-op-a-" + suffix);
                userB = users.createOperator(admin, customerB, "restore-op-b-" + suffix);
                device = onboard(platform, users.login(userA), agentDir, "press-" + suffix);
                assertThat(heartbeat(platform, device, "0.1.0-before").statusCode()).isEqualTo(202);
                String operatorA = users.login(userA);
                Heartbeats before = new Heartbeats(platform, device, "0.1.0-before");
                await("the device ACTIVE and ONLINE for its operator",
                        () -> before.andThen(() -> send("GET",
                                platform.gatewayUrl() + "/api/devices/v1/devices/" + device.id, null, null, operatorA)),
                        body -> "ACTIVE".equals(JsonPath.read(body, "$.lifecycle"))
                                && "ONLINE".equals(JsonPath.read(body, "$.connectivity")));

                // 2. The backup, as the CronJob runs it.
                Result backup = script("pgbackup.sh", postgres.getPort(), s3);
                assertThat(backup.exitCode()).as(backup.output()).isZero();
                List<String> dumps = s3.keys().stream().filter(key -> key.startsWith(PREFIX + "/edp-")).toList();
                assertThat(dumps).singleElement()
                    .satisfies(key -> assertThat(new String(s3.object(key), 0, 5, StandardCharsets.US_ASCII))
                        .isEqualTo("PGDMP"));
                assertThat(s3.requests()).allSatisfy(request -> assertThat(request).doesNotEndWith(" 403"));

                // Written after the backup: lost with the disaster, absent after the
                // restore.
                HttpResponse<String> later = expect(send("POST", platform.gatewayUrl() + "/api/onboarding/v1/tokens",
                        "application/json",
                        "{\"deviceName\":\"after-backup-" + suffix + "\",\"environment\":\"TESTING\"}", operatorA),
                        201);
                tokenAfterBackup = JsonPath.read(later.body(), "$.id");
            }

            // 3. The disaster: the database is gone. A new, empty one, and the restore
            // into it.
            try (Connection admin = postgres.getPostgresDatabase().getConnection();
                    Statement sql = admin.createStatement()) {
                sql.execute("DROP DATABASE edp WITH (FORCE)");
                sql.execute("CREATE DATABASE edp OWNER edp");
            }
            assertThat(tableCount(jdbcUrl)).as("the new database is empty").isZero();
            Result restore = script("pgrestore.sh", postgres.getPort(), s3);
            assertThat(restore.exitCode()).as(restore.output()).isZero();
            assertThat(restore.output()).contains("restored");

            // 4. The platform on the restored data: the device still passes E3 and its
            // operator sees it.
            OwnPlatform platform = OwnPlatform.start(repositoryRoot, stateDir, portOffset, servicesJdbcUrl, dbPassword,
                    RESTART, environment);
            this.platform = platform;
            restarted = true;
            assertThat(heartbeat(platform, device, "0.1.0-restored").statusCode())
                .as("a heartbeat with the certificate issued before the backup")
                .isEqualTo(202);

            String operatorA = users.login(userA);
            String deviceJson = await(
                    "the restored device for its operator", () -> send("GET",
                            platform.gatewayUrl() + "/api/devices/v1/devices/" + device.id, null, null, operatorA),
                    body -> "ACTIVE".equals(JsonPath.read(body, "$.lifecycle")));
            assertThat(JsonPath.<String>read(deviceJson, "$.certificateSerial")).isEqualTo(device.serial);
            Heartbeats after = new Heartbeats(platform, device, "0.1.0-restored");
            await("the heartbeat after the restore in the device's status",
                    () -> after.andThen(() -> send("GET",
                            platform.gatewayUrl() + "/api/monitoring/v1/devices/" + device.id + "/status", null, null,
                            operatorA)),
                    body -> "0.1.0-restored".equals(JsonPath.read(body, "$.agentVersion"))
                            && "ONLINE".equals(JsonPath.read(body, "$.connectivity")));

            String operatorB = users.login(userB);
            assertThat(
                    send("GET", platform.gatewayUrl() + "/api/devices/v1/devices/" + device.id, null, null, operatorB)
                        .statusCode())
                .as("another customer's device is not there for B")
                .isEqualTo(404);
            assertThat(send("GET", platform.gatewayUrl() + "/api/onboarding/v1/tokens/" + tokenAfterBackup, null, null,
                    operatorA)
                .statusCode()).as("created after the backup: not restored").isEqualTo(404);
        }
        System.out.printf("Restore test: backup, restore and the platform's restart in %d s%n",
                Duration.between(began, Instant.now()).toSeconds());
    }

    /**
     * The device side: the agent library enrolls through E3 and keeps key and certificate
     * in its store.
     */
    static Onboarded onboard(OwnPlatform platform, String operator, Path agentDir, String name) throws Exception {
        HttpResponse<String> token = expect(send("POST", platform.gatewayUrl() + "/api/onboarding/v1/tokens",
                "application/json", "{\"deviceName\":\"" + name + "\",\"environment\":\"TESTING\"}", operator), 201);
        DeviceStore store = new DeviceStore(agentDir.resolve("device"));
        try (DeviceAgent agent = DeviceAgent.onboard(URI.create(platform.e3Url()),
                E3Trust.fromPem(platform.e3TrustFile()), JsonPath.read(token.body(), "$.token"), store,
                AgentOptions.defaults())) {
            assertThat(agent.identity().deviceId()).hasToString(JsonPath.read(token.body(), "$.deviceId"));
            return new Onboarded(agent.identity().deviceId().toString(), agent.identity().serial(), store);
        }
    }

    /**
     * One heartbeat over mTLS with the device's stored key and certificate, trusting what
     * it stored.
     */
    static HttpResponse<String> heartbeat(OwnPlatform platform, Onboarded device, String agentVersion)
            throws Exception {
        HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(device.store.trust().sslContext(device.store.credentials()))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
        return client.send(HttpRequest.newBuilder(URI.create(platform.e3Url() + "/monitoring/api/v1/heartbeat"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(HEARTBEAT.formatted(agentVersion)))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The device keeps heartbeating while a test waits for it to be ONLINE, as a device
     * does: on this platform a device is OFFLINE 10 s after its last heartbeat, which a
     * loaded machine may take to show its first.
     */
    static final class Heartbeats {

        private final OwnPlatform platform;

        private final Onboarded device;

        private final String agentVersion;

        private Instant last = Instant.now();

        Heartbeats(OwnPlatform platform, Onboarded device, String agentVersion) {
            this.platform = platform;
            this.device = device;
            this.agentVersion = agentVersion;
        }

        /** Sends a heartbeat when the last is 3 s old, then the call. */
        HttpResponse<String> andThen(Callable<HttpResponse<String>> call) throws Exception {
            if (last.isBefore(Instant.now().minusSeconds(3))) {
                assertThat(heartbeat(platform, device, agentVersion).statusCode()).isEqualTo(202);
                last = Instant.now();
            }
            return call.call();
        }

    }

    /** A device the agent onboarded. */
    record Onboarded(String id, String serial, DeviceStore store) {
    }

    /** The exit code and output (stdout and stderr) of a script. */
    record Result(int exitCode, String output) {
    }

    /**
     * Runs deploy/backup/{@code name} with the settings the CronJob and the restore Job
     * get.
     */
    Result script(String name, int postgresPort, S3StandIn s3) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "localhost");
        env.put("PGPORT", Integer.toString(postgresPort));
        env.put("PGDATABASE", "edp");
        env.put("PGUSER", "edp");
        env.put("PGPASSWORD", dbPassword);
        env.put("S3_ENDPOINT", s3.endpoint());
        env.put("S3_BUCKET", BUCKET);
        env.put("S3_REGION", S3StandIn.REGION);
        env.put("S3_PREFIX", PREFIX);
        env.put("AWS_ACCESS_KEY_ID", S3StandIn.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3StandIn.SECRET_KEY);
        env.put("BACKUP_RETENTION_DAYS", "7");
        Path log = Files.createTempFile("edp-" + name, ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(repositoryRoot.resolve("deploy/backup/" + name).toString())
                .directory(repositoryRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(
                        name + " did not finish within " + SCRIPT_TIMEOUT + ":\n" + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log));
        }
        finally {
            Files.deleteIfExists(log);
        }
    }

    String serverVersion(String jdbcUrl) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, "edp", dbPassword);
                Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery("SHOW server_version")) {
            rows.next();
            return rows.getString(1);
        }
    }

    long tableCount(String jdbcUrl) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, "edp", dbPassword);
                Statement sql = db.createStatement();
                ResultSet rows = sql.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                        + "('pg_catalog', 'information_schema')")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }

    /**
     * Polls until the answer is 200 and its body matches; fails with the last answer
     * otherwise.
     */
    static String await(String what, Callable<HttpResponse<String>> call, Predicate<String> done) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        HttpResponse<String> last = null;
        while (Instant.now().isBefore(deadline)) {
            last = call.call();
            if (last.statusCode() == 200 && done.test(last.body())) {
                return last.body();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Not within " + WAIT + ": " + what + "; last answer "
                + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /**
     * Free on the wildcard address and on loopback (the launcher binds one or the other).
     */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }

}
