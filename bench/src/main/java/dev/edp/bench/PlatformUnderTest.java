package dev.edp.bench;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.edp.keycloak.EdpRealm;

/**
 * The platform being measured: started here by the launcher ({@code ./edp up}'s program)
 * with the JVM flags production uses and E3's benchmark route pointing at the no-op
 * upstream, or an already running one (the smoke test attaches to the system tests'
 * platform).
 */
final class PlatformUnderTest implements AutoCloseable {

    /**
     * What the services run with here: the C2 compiler (no {@code TieredStopAtLevel=1}),
     * G1, a bounded heap and an exit on {@code OutOfMemoryError}, as the Helm chart's
     * options do. 1.5 GB: device-management holding the long-polls of 10,000 devices ran
     * out of 768 MB (and then answered nothing). {@code ./edp up} keeps its fast-start
     * flags.
     */
    static final List<String> PRODUCTION_JVM_FLAGS = List.of("-XX:+UseG1GC", "-Xms256m", "-Xmx1536m",
            "-XX:MaxGCPauseMillis=50", "-Xss512k", "-XX:+ExitOnOutOfMemoryError");

    private static final Duration START_TIMEOUT = Duration.ofMinutes(8);

    private final Path stateDir;

    private final int portOffset;

    private final Process launcher;

    private final Properties secrets = new Properties();

    private PlatformUnderTest(Path stateDir, int portOffset, Process launcher) throws IOException {
        this.stateDir = stateDir;
        this.portOffset = portOffset;
        this.launcher = launcher;
        try (Reader reader = Files.newBufferedReader(stateDir.resolve("secrets.properties"))) {
            secrets.load(reader);
        }
    }

    /** The launcher's state directory (pid files, PostgreSQL's data). */
    Path stateDir() {
        return stateDir;
    }

    /** Attaches to a running platform. */
    static PlatformUnderTest attach(Path stateDir, int portOffset) throws IOException {
        return new PlatformUnderTest(stateDir, portOffset, null);
    }

    /**
     * Starts a fresh platform with the launcher jar and waits until it is ready.
     * @param root the repository root (where launcher/target/launcher.jar is)
     * @param stateDir its state (deleted first)
     * @param portOffset added to every port
     * @param noopUrl the URL E3's benchmark route forwards to
     */
    static PlatformUnderTest start(Path root, Path stateDir, int portOffset, String noopUrl)
            throws IOException, InterruptedException {
        Path jar = root.resolve("launcher/target/launcher.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException("Missing " + jar + ": build first (./edp build)");
        }
        deleteRecursively(stateDir);
        Files.createDirectories(stateDir);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(
                List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar.toString(), "up"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(stateDir.resolve("launcher.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("EDP_STATE_DIR", stateDir.toString());
        env.put("EDP_PORT_OFFSET", Integer.toString(portOffset));
        env.put("EDP_START_TIMEOUT", "400");
        env.put("EDP_SERVICE_JAVA_OPTS", String.join(" ", PRODUCTION_JVM_FLAGS));
        env.put("EDP_E3_BENCHMARK_NOOP_URL", noopUrl);
        // Throughput is measured, not E3's per-device token bucket (50, 10/s), which a
        // small fleet driven flat out would hit; the smoke run inside the system tests
        // keeps the platform's real limits.
        env.put("EDP_E3_RATELIMIT_CAPACITY", "1000000");
        env.put("EDP_E3_RATELIMIT_REFILLPERSECOND", "1000000");
        env.remove("EDP_DB_URL");
        Process process = builder.start();
        // Ctrl-C or a SIGTERM to the bench stops the platform it started (the launcher
        // stops its services and PostgreSQL on SIGTERM), as the end of a run does.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "edp-bench-stop-platform"));
        Path ready = stateDir.resolve("run/ready");
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!Files.exists(ready)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroy();
                throw new IOException("The platform did not start; see " + stateDir.resolve("launcher.log"));
            }
            Thread.sleep(500);
        }
        return new PlatformUnderTest(stateDir, portOffset, process);
    }

    URI e3() {
        return URI.create("https://localhost:" + (8443 + portOffset));
    }

    URI gateway() {
        return URI.create("http://localhost:" + (8080 + portOffset));
    }

    URI keycloak() {
        return URI.create("http://localhost:" + (8180 + portOffset));
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + (5433 + portOffset) + "/edp";
    }

    /**
     * @return E3's published CA chain (PEM), which clients trust for E3's server
     * certificate
     */
    Path e3ChainFile() {
        return stateDir.resolve("pki/e3-ca-chain.pem");
    }

    String automationSecret() {
        return secrets.getProperty("client." + EdpRealm.AUTOMATION_CLIENT_ID + ".secret");
    }

    String customerId() {
        return EdpRealm.AUTOMATION_CUSTOMER_ID;
    }

    int portOffset() {
        return portOffset;
    }

    @Override
    public void close() {
        if (launcher != null) {
            stop(launcher);
        }
    }

    /** Stops the launcher and, if it does not end within two minutes, all it started. */
    private static void stop(Process launcher) {
        if (!launcher.isAlive()) {
            return;
        }
        launcher.destroy();
        try {
            if (launcher.waitFor(120, TimeUnit.SECONDS)) {
                return;
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        launcher.descendants().forEach(ProcessHandle::destroyForcibly);
        launcher.destroyForcibly();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

}
