package dev.edp.systemtest;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.KeycloakAdmin;
import dev.edp.keycloak.LocalPorts;
import dev.edp.keycloak.OidcTokens;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A platform of a system test's own beside the shared one ({@link RunningPlatform}):
 * {@code ./edp up} (the launcher jar) on a database the test gives (an external
 * {@code EDP_DB_URL}, so the launcher gives Keycloak its own store), with a port offset
 * of its own and a state directory. Used by the platform-faults tests (the PostgreSQL
 * outage and the restore among them). Closing it stops the launcher (SIGTERM: it stops
 * the services and Keycloak in order) and makes sure none of its processes outlives it;
 * {@link #discard()} ends it at once.
 * <p>
 * <b>Port offsets.</b> Their ports lie above the ephemeral range (61000 to 65535) and
 * away from the shared platform's offsets (20000 to 44000). Each offset is reserved by a
 * file lock in the temporary directory, held until this JVM ends, so that two builds on
 * one machine (two checkouts, or CI beside a developer's run) never pick the same one; a
 * free-port check alone does not do that, because a platform binds its ports one by one
 * over minutes. No port of one candidate is a port of another (no two of
 * {@link #allPorts()} differ by the difference of two candidates). Twelve of them: a
 * build takes up to five (two tests and {@code OwnPlatformTests}' three), so two builds
 * fit.
 */
final class OwnPlatform implements AutoCloseable {

    /**
     * Every port the launcher binds for a platform on an external database, before the
     * offset.
     */
    static final List<Integer> PORTS = List.of(8180, 9180, 8761, 9761, 8080, 9080, 8081, 9081, 8082, 9082, 8083, 9083,
            8084, 9084, 8443, 9443);

    /**
     * Ports (before the offset) for what a fault test starts beside the launcher's: a
     * second device-management ({@code 8193}, {@code 9193}), monitoring moved to another
     * address ({@code 8194}, {@code 9194}), a second onboarding ({@code 8187},
     * {@code 9187}), a second monitoring ({@code 8230}, {@code 9230}) and the SMTP server
     * its e-mails reach ({@code 8130}); chosen so that no two offsets share a port
     * ({@code OwnPlatformTests}).
     */
    static final List<Integer> SPARE_PORTS = List.of(8193, 9193, 8194, 9194, 8187, 9187, 8230, 9230, 8130);

    /** The port offsets, in the order they are tried. */
    static final List<Integer> OFFSETS = List.of(53500, 55000, 52920, 52925, 52930, 52935, 52940, 52945, 52950, 52955,
            52960, 52965);

    private final Path stateDir;

    private final int portOffset;

    private final Process launcher;

    private final Properties secrets = new Properties();

    private OwnPlatform(Path stateDir, int portOffset, Process launcher) {
        this.stateDir = stateDir;
        this.portOffset = portOffset;
        this.launcher = launcher;
    }

    /**
     * @return the first offset that no other test or build holds and under which every
     * port is free, reserved until this JVM ends
     */
    static int reserveOffset() {
        return reserveOffset(offset -> allFree(offset));
    }

    /**
     * @param usable whether the platform's ports are free under an offset
     * @return the first offset that no other test or build holds and that is usable,
     * reserved until this JVM ends
     */
    static int reserveOffset(IntPredicate usable) {
        return PortOffsets.reserve(OFFSETS, usable, "for a test's own platform");
    }

    /**
     * @param offset a port offset
     * @return whether every port of the platform is free under it
     */
    static boolean allFree(int offset) {
        return allPorts().stream().allMatch(port -> LocalPorts.free(port + offset));
    }

    /**
     * @return the launcher's ports and the spare ones, before the offset
     */
    static List<Integer> allPorts() {
        return Stream.concat(PORTS.stream(), SPARE_PORTS.stream()).toList();
    }

    /**
     * @return the checkout the tests run in (the launcher and the service jars)
     */
    static Path repositoryRoot() {
        return Path.of(System.getProperty("edp.repository.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * Creates what the launcher expects of an external database: the role {@code edp}
     * owning the database {@code edp}.
     * @param admin a superuser's connection to the server
     * @param password the role's password
     */
    static void createServicesDatabase(Connection admin, String password) throws SQLException {
        try (Statement sql = admin.createStatement()) {
            sql.execute("CREATE ROLE edp LOGIN PASSWORD '" + password + "'");
            sql.execute("CREATE DATABASE edp OWNER edp");
        }
    }

    /**
     * Starts the launcher and waits until the platform is ready, then sends each service
     * one generous first request (keys fetched, cold code run).
     * @param repositoryRoot the checkout, with the launcher built
     * @param stateDir the platform's state directory
     * @param portOffset from {@link #reserveOffset()}
     * @param jdbcUrl the database ({@code EDP_DB_URL}), user {@code edp}
     * @param dbPassword its password
     * @param timeout how long the start may take
     * @param environment further settings of the launcher and the services
     * @return the running platform
     */
    static OwnPlatform start(Path repositoryRoot, Path stateDir, int portOffset, String jdbcUrl, String dbPassword,
            Duration timeout, Map<String, String> environment) throws IOException, InterruptedException {
        Path jar = repositoryRoot.resolve("launcher/target/launcher.jar");
        assertThat(jar).as("build the platform first (./edp build)").isRegularFile();
        Path ready = stateDir.resolve("run/ready");
        Files.deleteIfExists(ready);
        Path log = stateDir.resolve("launcher.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar.toString(), "up")
            .directory(repositoryRoot.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("EDP_STATE_DIR", stateDir.toString());
        env.put("EDP_PORT_OFFSET", Integer.toString(portOffset));
        // As the shared platform's: a fresh state dir means unpacking and building
        // Keycloak, which took more than 300 s beside two other builds (CI run L).
        env.put("EDP_START_TIMEOUT", RunningPlatform.COMPONENT_START_TIMEOUT_SECONDS);
        env.put("EDP_DB_URL", jdbcUrl);
        env.put("EDP_DB_USER", "edp");
        env.put("EDP_DB_PASSWORD", dbPassword);
        // A fresh state dir means Keycloak's first build, minutes on a loaded machine; E3
        // waits for its first certificate (which needs a Keycloak token) longer than its
        // default 3 minutes.
        env.put("EDP_E3_TLS_STARTTIMEOUT", "10m");
        env.putAll(environment);
        OwnPlatform platform = new OwnPlatform(stateDir, portOffset, builder.start());
        try {
            Instant deadline = Instant.now().plus(timeout);
            while (!Files.exists(ready)) {
                if (!platform.launcher.isAlive()) {
                    throw new AssertionError("The platform did not start (launcher exit code "
                            + platform.launcher.exitValue() + "):\n" + RunningPlatform.tail(log, 60));
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError(
                            "The platform was not ready within " + timeout + ":\n" + RunningPlatform.tail(log, 60));
                }
                Thread.sleep(500);
            }
            try (Reader reader = Files.newBufferedReader(stateDir.resolve("secrets.properties"))) {
                platform.secrets.load(reader);
            }
            platform.warmUp();
            return platform;
        }
        catch (IOException | InterruptedException | RuntimeException | AssertionError ex) {
            platform.close();
            throw ex;
        }
    }

    private void warmUp() throws IOException, InterruptedException {
        String token = OidcTokens.clientCredentials(URI.create(keycloakUrl()), EdpRealm.NAME,
                EdpRealm.AUTOMATION_CLIENT_ID, secret("client.edp-automation.secret"));
        HttpClient http = HttpClient.newHttpClient();
        for (String service : List.of("masterdata", "onboarding", "devices", "monitoring")) {
            http.send(HttpRequest.newBuilder(URI.create(gatewayUrl() + "/api/" + service + "/v1/warm-up"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(120))
                .build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    String gatewayUrl() {
        return "http://localhost:" + (8080 + portOffset);
    }

    String keycloakUrl() {
        return "http://localhost:" + (8180 + portOffset);
    }

    String e3Url() {
        return "https://localhost:" + (8443 + portOffset);
    }

    /** Where the launcher's services write their logs; a test's own processes too. */
    Path logsDir() {
        return stateDir.resolve("logs");
    }

    Path e3TrustFile() {
        return stateDir.resolve("pki/e3-ca-chain.pem");
    }

    /**
     * @param port a port before the offset, e.g. a service's management port
     * @return it under this platform's offset
     */
    int port(int port) {
        return port + portOffset;
    }

    /**
     * @param key a key of the state directory's {@code secrets.properties}
     * @return its value
     */
    String secret(String key) {
        return secrets.getProperty(key);
    }

    /**
     * @return the pid of every process the launcher started, by name (its run directory)
     */
    Map<String, Long> pids() throws IOException {
        Map<String, Long> pids = new TreeMap<>();
        try (Stream<Path> files = Files.list(stateDir.resolve("run"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                pids.put(file.getFileName().toString().replace(".pid", ""),
                        Long.parseLong(Files.readString(file).trim()));
            }
        }
        return pids;
    }

    /**
     * Ends the platform at once, for when nothing of it is used again (its state
     * directory and database are thrown away): SIGKILL to the launcher and every process
     * it started. The launcher's orderly stop ({@link #close()}) gives each stage up to
     * 20 s of graceful shutdown and then stops Keycloak, about half a minute on a loaded
     * machine that no test looks at. Keycloak's own store may lose what it had not
     * written: never before a start on the same state directory.
     */
    void discard() {
        Instant began = Instant.now();
        List<ProcessHandle> processes = new ArrayList<>(launcher.descendants().toList());
        processes.add(launcher.toHandle());
        processes.forEach(ProcessHandle::destroyForcibly);
        awaitGone(processes, began);
    }

    @Override
    public void close() {
        Instant began = Instant.now();
        List<ProcessHandle> processes = new ArrayList<>(launcher.descendants().toList());
        processes.add(launcher.toHandle());
        launcher.destroy();
        try {
            if (!launcher.waitFor(150, TimeUnit.SECONDS)) {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        awaitGone(processes, began);
    }

    /**
     * Whatever the launcher started must be gone before the database is touched or the
     * test ends: waits for it, kills what outlives a minute.
     */
    private void awaitGone(List<ProcessHandle> processes, Instant began) {
        try {
            Instant deadline = Instant.now().plusSeconds(60);
            while (processes.stream().anyMatch(ProcessHandle::isAlive) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        System.out.printf("Own platform (offset %d) stopped in %d ms%n", portOffset,
                Duration.between(began, Instant.now()).toMillis());
    }

    /**
     * The people of a test: the first platform admin, and operators of new customers
     * (real Keycloak users made by masterdata), logged in through a password-grant client
     * that exists only for tests. They outlive a restart of the platform: Keycloak keeps
     * its own data, and the port offset stays.
     */
    static final class Users {

        private final String keycloakUrl;

        private final String gatewayUrl;

        private final String adminPassword;

        private final String client = "edp-system-test-" + UUID.randomUUID();

        private final String clientSecret = UUID.randomUUID().toString();

        Users(OwnPlatform platform) {
            keycloakUrl = platform.keycloakUrl();
            gatewayUrl = platform.gatewayUrl();
            adminPassword = platform.secret("edp.admin.password");
            try (KeycloakAdmin admin = KeycloakAdmin.connect(URI.create(keycloakUrl), "kcadmin",
                    platform.secret("keycloak.admin.password"))) {
                admin.createPasswordGrantClient(EdpRealm.NAME, client, clientSecret);
            }
        }

        /**
         * @param user username and password
         * @return a fresh access token
         */
        String login(String[] user) {
            return OidcTokens.password(URI.create(keycloakUrl), EdpRealm.NAME, client, clientSecret, user[0], user[1]);
        }

        String platformAdmin() {
            return login(new String[] { "admin", adminPassword });
        }

        /**
         * @return the id of a new customer with that code
         */
        String createCustomer(String admin, String code) {
            HttpResponse<String> created = send(
                    "POST", gatewayUrl + "/api/masterdata/v1/customers", "application/json", "{\"name\":\"Customer "
                            + code + "\",\"code\":\"" + code + "\",\"contactEmail\":\"ops@" + code + ".example\"}",
                    admin);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            return JsonPath.read(created.body(), "$.id");
        }

        /**
         * @return username and one-time password of a new operator of the customer
         */
        String[] createOperator(String admin, String customerId, String username) {
            return createUser(admin, customerId, username, "operator");
        }

        /**
         * @return username and one-time password of a new user of the customer with the
         * role
         */
        String[] createUser(String admin, String customerId, String username, String role) {
            HttpResponse<String> created = send("POST",
                    gatewayUrl + "/api/masterdata/v1/customers/" + customerId + "/users", "application/json",
                    "{\"username\":\"" + username + "\",\"email\":\"" + username
                            + "@example.com\",\"firstName\":\"Test\",\"lastName\":\"User\",\"role\":\"" + role + "\"}",
                    admin);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            return new String[] { username, JsonPath.read(created.body(), "$.oneTimePassword") };
        }

    }

}
