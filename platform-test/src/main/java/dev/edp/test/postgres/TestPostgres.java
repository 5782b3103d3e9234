package dev.edp.test.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL 17 server per test JVM, and a fresh database on it whenever a test
 * asks.
 * <p>
 * Where a Docker engine is reachable the server is a Testcontainers container; otherwise
 * it is zonky's embedded PostgreSQL (real PostgreSQL binaries from Maven Central, which
 * also run as root). {@code EDP_TEST_POSTGRES=embedded|docker} forces one. If no server
 * can be had, the caller gets an {@link IllegalStateException} that says why: tests that
 * need a database fail, they never skip and never fall back to an in-memory imitation.
 */
public final class TestPostgres {

    private static final String IMAGE = "postgres:17.6-alpine";

    private static volatile TestPostgres instance;

    private final String baseUrl;

    private final String user;

    private final String password;

    private final String kind;

    private final AtomicInteger databases = new AtomicInteger();

    private TestPostgres(String baseUrl, String user, String password, String kind) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
        this.kind = kind;
    }

    /**
     * The server of this JVM, started on first use and stopped when the JVM exits.
     * @return the running server
     * @throws IllegalStateException when no PostgreSQL could be started
     */
    public static TestPostgres get() {
        TestPostgres local = instance;
        if (local == null) {
            synchronized (TestPostgres.class) {
                local = instance;
                if (local == null) {
                    local = start();
                    instance = local;
                }
            }
        }
        return local;
    }

    /**
     * Creates a new, empty database on the server.
     * @return its coordinates
     */
    public Database createDatabase() {
        String name = "edp_test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(baseUrl + "postgres", user, password);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        catch (SQLException ex) {
            throw new IllegalStateException("Could not create test database " + name + " on " + kind, ex);
        }
        return new Database(baseUrl + name, user, password);
    }

    /**
     * @return {@code embedded} or {@code docker}
     */
    public String kind() {
        return kind;
    }

    private static TestPostgres start() {
        String forced = System.getenv().getOrDefault("EDP_TEST_POSTGRES", "");
        StringBuilder reasons = new StringBuilder();
        if (!forced.equals("embedded")) {
            try {
                if (dockerMayBeReachable() && DockerClientFactory.instance().isDockerAvailable()) {
                    return startContainer();
                }
                reasons.append("Docker engine not reachable. ");
            }
            catch (RuntimeException | LinkageError ex) {
                reasons.append("Testcontainers failed: ").append(ex.getMessage()).append(". ");
            }
            if (forced.equals("docker")) {
                throw new IllegalStateException("EDP_TEST_POSTGRES=docker but " + reasons);
            }
        }
        try {
            return startEmbedded();
        }
        catch (IOException | RuntimeException ex) {
            throw new IllegalStateException("No PostgreSQL for the tests. " + reasons
                    + "Embedded PostgreSQL failed to start: " + ex.getMessage(), ex);
        }
    }

    /**
     * Saves Testcontainers' noisy probe where there is plainly no Docker engine to find.
     */
    private static boolean dockerMayBeReachable() {
        return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
    }

    private static TestPostgres startContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-postgres-stop"));
        String url = "jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(5432) + "/";
        return new TestPostgres(url, container.getUsername(), container.getPassword(), "docker");
    }

    private static TestPostgres startEmbedded() throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
            .setServerConfig("max_connections", "300")
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            }
            catch (IOException ignored) {
                // The JVM is exiting; the temporary data directory goes with the process.
            }
        }, "test-postgres-stop"));
        return new TestPostgres("jdbc:postgresql://localhost:" + postgres.getPort() + "/", "postgres", "", "embedded");
    }

    /**
     * A database on the test server.
     *
     * @param url its JDBC URL
     * @param user the user
     * @param password the password
     */
    public record Database(String url, String user, String password) {
    }

}
