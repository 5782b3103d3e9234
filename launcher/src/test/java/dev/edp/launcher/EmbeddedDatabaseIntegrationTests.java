package dev.edp.launcher;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.edp.keycloak.LocalPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real PostgreSQL (zonky binaries), as the launcher runs it: the data directory outlives
 * a restart.
 */
class EmbeddedDatabaseIntegrationTests {

    @TempDir
    Path dir;

    @Test
    void keepsDataAcrossRestartsAndCreatesTheEdpDatabases() throws Exception {
        Path dataDir = dir.resolve("data/postgres");
        Path log = dir.resolve("logs/postgres.log");
        int port = LocalPorts.unused();

        long firstPid;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, port, "127.0.0.1", log)) {
            assertThat(db.coordinates().jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:" + port + "/edp");
            firstPid = db.postmasterPid().orElseThrow();
            assertThat(ProcessHandle.of(firstPid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
            try (Connection c = connect(db); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (id int primary key, note text)");
                s.execute("INSERT INTO kept VALUES (1, 'survives a restart')");
            }
        }
        // close() waits for the postmaster itself, not only for pg_ctl: the launcher then
        // removes its pid file.
        assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, port, "127.0.0.1", log)) {
            try (Connection c = connect(db);
                    Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT note FROM kept WHERE id = 1")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("survives a restart");
            }
            // Other machines cannot reach it: it listens on loopback only.
            try (Connection c = connect(db);
                    Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SHOW listen_addresses")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("127.0.0.1");
            }
            // Keycloak's database is created as well, owned by the same role.
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/keycloak",
                    EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
                    Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT current_user, current_database()")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("edp");
                assertThat(rows.getString(2)).isEqualTo("keycloak");
            }
        }
        assertThat(log).content().contains("database system is ready to accept connections");
    }

    @Test
    void stopsThePostmaster() throws Exception {
        EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("pg"), LocalPorts.unused(), "127.0.0.1",
                dir.resolve("pg.log"));
        ProcessHandle postmaster = ProcessHandle.of(db.postmasterPid().orElseThrow()).orElseThrow();

        db.close();

        assertThat(postmaster.isAlive()).isFalse();
    }

    private static Connection connect(EmbeddedDatabase db) throws SQLException {
        DatabaseCoordinates coordinates = db.coordinates();
        return DriverManager.getConnection(coordinates.jdbcUrl(), coordinates.user(), coordinates.password());
    }

}
