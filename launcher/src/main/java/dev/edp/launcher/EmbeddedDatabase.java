package dev.edp.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL (zonky's binaries from Maven Central) on a data directory that
 * outlives the launcher, so what a developer created is still there after the next
 * {@code ./edp up}.
 */
final class EmbeddedDatabase implements Database {

    /**
     * The services' database and Keycloak's (Keycloak keeps its realm data in PostgreSQL
     * too).
     */
    static final List<String> DATABASES = List.of("edp", "keycloak");

    static final String USER = "edp";

    static final String PASSWORD = "edp";

    private final EmbeddedPostgres postgres;

    private final Path dataDirectory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts PostgreSQL on {@code dataDirectory} (initialised on first use, reused
     * afterwards) and makes sure the EDP role and databases exist.
     * @param listenAddress the address PostgreSQL listens on ({@code listen_addresses})
     */
    static EmbeddedDatabase start(Path dataDirectory, int port, String listenAddress, Path logFile)
            throws IOException, SQLException {
        Files.createDirectories(dataDirectory.getParent());
        Files.createDirectories(logFile.getParent());
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setServerConfig("listen_addresses", listenAddress)
            // zonky turns this off for throw-away test databases; these data are meant to
            // be kept.
            .setServerConfig("synchronous_commit", "on")
            // Per-statement figures (calls, rows, blocks, time) for finding what
            // reads too much: the extension is created in the edp database below.
            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
            // The launcher stops PostgreSQL itself, after the services that use it.
            .setRegisterShutdownHook(false)
            // The postmaster inherits these, so its log ends up in a file instead of a
            // pipe into the launcher that would break when the launcher goes.
            .setOutputRedirector(Redirect.appendTo(logFile.toFile()))
            .setErrorRedirector(Redirect.appendTo(logFile.toFile()))
            .start();
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, dataDirectory);
        try {
            database.createRoleAndDatabases();
        }
        catch (SQLException | RuntimeException ex) {
            database.close();
            throw ex;
        }
        return database;
    }

    private void createRoleAndDatabases() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", USER)) {
                statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            }
            for (String name : DATABASES) {
                // CREATE DATABASE has no IF NOT EXISTS and cannot run in a transaction
                // block or a DO block.
                if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", name)) {
                    statement.execute("CREATE DATABASE " + name + " OWNER " + USER);
                }
            }
        }
        // Only a superuser creates it; the services' user reads its view.
        try (Connection connection = postgres.getDatabase("postgres", DATABASES.getFirst()).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    private static boolean exists(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    @Override
    public DatabaseCoordinates coordinates() {
        return new DatabaseCoordinates("jdbc:postgresql://localhost:" + postgres.getPort() + "/edp", USER, PASSWORD);
    }

    @Override
    public String description() {
        return coordinates().jdbcUrl() + "  (user " + USER + "/" + PASSWORD + ", embedded PostgreSQL, data in "
                + dataDirectory + ")";
    }

    /**
     * The postmaster's pid, from the first line of {@code postmaster.pid}. pg_ctl starts
     * it in its own session, so it is no descendant of the launcher; {@code ./edp down}
     * needs the pid to clean up after a launcher that was killed hard.
     */
    OptionalLong postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
            return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.getFirst().trim()));
        }
        catch (IOException | NumberFormatException ex) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        OptionalLong pid = postmasterPid();
        try {
            postgres.close();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        // pg_ctl stop returns once the pid file is gone; the postmaster may need a moment
        // more to exit.
        pid.stream().mapToObj(ProcessHandle::of).flatMap(Optional::stream).forEach(postmaster -> {
            try {
                postmaster.onExit().get(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            catch (ExecutionException | TimeoutException ex) {
                // Left to ./edp down, which finds its pid file.
            }
        });
    }

}
