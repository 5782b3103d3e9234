package dev.edp.systemtest;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The whole platform, started once per test JVM exactly as a user starts it
 * ({@code ./edp up}): the launcher jar with an embedded PostgreSQL, the real Keycloak
 * distribution and every service jar, each a separate process. Its ports are moved by
 * {@code EDP_PORT_OFFSET}: the first of 20000, 21000, … under which every port is free
 * ({@link PortOffsets}; {@code EDP_SYSTEM_TEST_PORT_OFFSET} fixes it), and its state
 * lives under {@code system-tests/target}, so a developer's own {@code ./edp up} can keep
 * running. Test classes get it as a parameter; it is stopped (SIGTERM to the launcher,
 * which stops everything in order) when the JVM's test run ends.
 */
public final class RunningPlatform implements BeforeAllCallback, ParameterResolver {

    /**
     * The state directory is new for every run, so Keycloak starts from scratch: measured
     * under a load of 27 on 2 cores, 98 s of Quarkus re-augmentation, 70 s creating its
     * schema and 60 s creating the master realm and importing EDP's (about 300 s to
     * ready), while the services boot on the same cores. The augmentation happens once
     * per machine now (keycloak-runner's augmented builds), the rest on every start.
     */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(15);

    /**
     * Each component's own limit (EDP_START_TIMEOUT, seconds); Keycloak alone needed
     * about 300 s (above).
     */
    static final String COMPONENT_START_TIMEOUT_SECONDS = "600";

    private final int portOffset;

    private final Path stateDir;

    private final Path repositoryRoot;

    private Process launcher;

    private Properties secrets;

    private GreenMail mail;

    /**
     * Used by JUnit through {@code @ExtendWith}; the instance JUnit keeps is the shared
     * one.
     */
    public RunningPlatform() {
        this(PortOffsets.choose(System.getenv("EDP_SYSTEM_TEST_PORT_OFFSET")));
    }

    private RunningPlatform(int portOffset) {
        this.portOffset = portOffset;
        this.repositoryRoot = OwnPlatform.repositoryRoot();
        this.stateDir = repositoryRoot.resolve("system-tests/target/edp-state");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        shared(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RunningPlatform.class || type == PlatformUsers.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == PlatformUsers.class) {
            // One test client in Keycloak for every class that logs users in.
            return context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(PlatformUsers.class, (key) -> new PlatformUsers(shared(context)),
                        PlatformUsers.class);
        }
        return shared(context);
    }

    private static RunningPlatform shared(ExtensionContext context) {
        return context.getRoot()
            .getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent(RunningPlatform.class, key -> {
                RunningPlatform platform = new RunningPlatform();
                platform.start();
                return new Handle(platform);
            }, Handle.class)
            .platform();
    }

    /**
     * Closed by JUnit when the root context ends: the platform stops after the last test
     * class.
     */
    private record Handle(RunningPlatform platform) implements AutoCloseable {
        @Override
        public void close() {
            platform.stop();
        }
    }

    private void start() {
        Path jar = repositoryRoot.resolve("launcher/target/launcher.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Missing " + jar + ": build the platform first (./edp build)");
        }
        try {
            deleteRecursively(stateDir);
            Files.createDirectories(stateDir);
            Path log = stateDir.resolve("launcher.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar.toString(),
                    "up")
                .directory(repositoryRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("EDP_STATE_DIR", stateDir.toString());
            env.put("EDP_PORT_OFFSET", Integer.toString(portOffset));
            env.put("EDP_START_TIMEOUT", COMPONENT_START_TIMEOUT_SECONDS);
            env.remove("EDP_DB_URL");
            // Monitoring's alert e-mails go to a real SMTP server in this JVM; devices go
            // offline after
            // 10 s without a heartbeat instead of 90 s, so the scenario does not wait
            // minutes.
            mail = new GreenMail(new ServerSetup(3025 + portOffset, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            mail.start();
            env.put("SPRING_MAIL_HOST", "127.0.0.1");
            env.put("SPRING_MAIL_PORT", Integer.toString(3025 + portOffset));
            env.put("EDP_MONITORING_OFFLINEAFTER", "10s");
            // E3's benchmark route (absent in production) for the benchmark's smoke test.
            env.put("EDP_E3_BENCHMARK_NOOP_URL", "http://127.0.0.1:" + benchmarkNoopPort());
            launcher = builder.start();
            Path ready = stateDir.resolve("run/ready");
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (!Files.exists(ready)) {
                if (!launcher.isAlive()) {
                    throw new IllegalStateException("The platform did not start (launcher exit code "
                            + launcher.exitValue() + "):\n" + tail(log, 60));
                }
                if (Instant.now().isAfter(deadline)) {
                    stop();
                    throw new IllegalStateException(
                            "The platform was not ready within " + START_TIMEOUT + ":\n" + tail(log, 60));
                }
                Thread.sleep(500);
            }
            secrets = new Properties();
            try (Reader reader = Files.newBufferedReader(stateDir.resolve("secrets.properties"))) {
                secrets.load(reader);
            }
            warmUp();
        }
        catch (IOException | RuntimeException ex) {
            stop();
            throw new IllegalStateException("Could not start the platform: " + ex.getMessage() + "\n"
                    + tail(stateDir.resolve("launcher.log"), 30), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * The first request to each service fetches Keycloak's keys and runs cold code; on a
     * busy 2-core machine that can take longer than a test's request timeout. One
     * generous round first.
     */
    private void warmUp() throws IOException, InterruptedException {
        String token = dev.edp.keycloak.OidcTokens.clientCredentials(java.net.URI.create(keycloakUrl()), "edp",
                "edp-automation", secret("client.edp-automation.secret"));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String service : List.of("masterdata", "onboarding", "devices", "monitoring")) {
            http.send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(gatewayUrl() + "/api/" + service + "/v1/warm-up"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(120))
                .build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        }
    }

    private void stop() {
        if (mail != null) {
            mail.stop();
        }
        if (launcher == null || !launcher.isAlive()) {
            return;
        }
        launcher.destroy();
        try {
            if (!launcher.waitFor(120, TimeUnit.SECONDS)) {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            launcher.destroyForcibly();
        }
    }

    /**
     * @return the SMTP server the platform's e-mails reach
     */
    public GreenMail mail() {
        return mail;
    }

    /**
     * @return E3's URL
     */
    public String e3Url() {
        return "https://localhost:" + (8443 + portOffset);
    }

    /**
     * @return the CA chain of E3's server certificate, as E3 publishes it (the platform
     * CA)
     */
    public Path e3TrustFile() {
        return stateDir.resolve("pki/e3-ca-chain.pem");
    }

    /**
     * @return the gateway's base URL
     */
    public String gatewayUrl() {
        return "http://localhost:" + (8080 + portOffset);
    }

    /**
     * @return Keycloak's base URL
     */
    public String keycloakUrl() {
        return "http://localhost:" + (8180 + portOffset);
    }

    /**
     * @return the registry's Eureka URL
     */
    public String eurekaUrl() {
        return "http://localhost:" + (8761 + portOffset) + "/eureka/";
    }

    /**
     * @return the JDBC URL of the platform's embedded PostgreSQL (database {@code edp})
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + (5433 + portOffset) + "/edp";
    }

    /**
     * @return the issuer of the platform's access tokens
     */
    public String issuer() {
        return keycloakUrl() + "/realms/edp";
    }

    /**
     * @return where E3's benchmark route forwards to (nothing listens until the benchmark
     * starts nginx there)
     */
    public int benchmarkNoopPort() {
        return PortOffsets.BENCHMARK_NOOP_PORT + portOffset;
    }

    /**
     * @return the platform's state directory (secrets, E3's published chain)
     */
    public Path stateDir() {
        return stateDir;
    }

    /**
     * @return the port offset of this platform
     */
    public int portOffset() {
        return portOffset;
    }

    /**
     * @param key a key of {@code secrets.properties} (see the launcher's
     * {@code IdentityProvider})
     * @return its value
     */
    public String secret(String key) {
        return secrets.getProperty(key);
    }

    /**
     * @return the repository root (for jars)
     */
    public Path repositoryRoot() {
        return repositoryRoot;
    }

    /**
     * @return where logs of this platform go
     */
    public Path logsDir() {
        return stateDir.resolve("logs");
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.exists(file) ? Files.readAllLines(file) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException ex) {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }

}
