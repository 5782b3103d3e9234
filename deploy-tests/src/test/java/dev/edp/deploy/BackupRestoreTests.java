package dev.edp.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backup the pgbackup CronJob makes, and its restore, for real:
 * deploy/backup/pgbackup.sh and pgrestore.sh run against a real PostgreSQL whose schemas
 * the services' own Flyway migrations created and that holds a customer, a device, its
 * certificate and a used CRL number sequence; the dump goes to S3-compatible storage
 * ({@link S3StandIn}, which checks AWS Signature V4 like S3), the database is dropped,
 * restored from the newest dump, and every table and sequence is compared.
 * <p>
 * PostgreSQL 15 (zonky's binaries from Maven Central) because Debian bookworm's pg_dump
 * is 15 and pg_dump refuses a newer server; the image the CronJob runs
 * (deploy/docker/Dockerfile.pgbackup) carries PostgreSQL 17's client tools for the
 * platform's PostgreSQL 17.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupRestoreTests {

    /** module -> schema, as each service's {@code edp.db.schema}. */
    static final Map<String, String> SCHEMAS = Map.of("masterdata", "masterdata", "onboarding", "onboarding",
            "device-management", "devices", "monitoring", "monitoring", "portal-gateway", "gateway");

    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private static final String PASSWORD = "edp-backup-test-" + UUID.randomUUID();

    static EmbeddedPostgres postgres;

    static S3StandIn s3;

    static Map<String, String> before;

    static String newDump;

    @BeforeAll
    static void populatedPlatformDatabase() throws Exception {
        Command.require("pg_dump", "postgresql-client-15");
        Command.require("pg_restore", "postgresql-client-15");
        Command.require("curl", "curl");
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
                Statement sql = admin.createStatement()) {
            sql.execute("CREATE ROLE edp LOGIN PASSWORD '" + PASSWORD + "'");
            sql.execute("CREATE DATABASE edp OWNER edp");
        }
        SCHEMAS.forEach((module, schema) -> flyway(module, schema).migrate());
        try (Connection db = edp(); Statement sql = db.createStatement()) {
            UUID customer = UUID.randomUUID();
            UUID device = UUID.randomUUID();
            sql.execute("INSERT INTO masterdata.customer (id, name, code, contact_email, status, version, created_at, "
                    + "created_by, updated_at, updated_by) VALUES ('" + customer + "', 'Müller Kunststoff', 'mueller', "
                    + "'ops@mueller.example', 'ACTIVE', 1, now(), 'admin', now(), 'admin')");
            sql.execute("INSERT INTO devices.device (id, customer_id, name, environment, labels, lifecycle, "
                    + "certificate_serial, certificate_not_after, version, created_at, created_by, updated_at, updated_by) "
                    + "VALUES ('" + device + "', '" + customer + "', 'press-7', 'PRODUCTION', '{\"line\":\"3\"}', "
                    + "'ACTIVE', '1a2b3c', now() + interval '30 days', 2, now(), 'admin', now(), 'onboarding')");
            sql.execute(
                    "INSERT INTO onboarding.device_certificate (serial, device_id, customer_id, not_before, not_after, "
                            + "status, certificate_pem, public_key_sha256, issued_at) VALUES ('1a2b3c', '" + device
                            + "', '" + customer + "', now(), now() + interval '30 days', 'VALID', "
                            + "'-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', repeat('ab', 32), now())");
            // CRL numbers must never go backwards, also across a restore.
            for (int i = 0; i < 7; i++) {
                sql.execute("SELECT nextval('onboarding.crl_number_seq')");
            }
        }
        before = fingerprint();
        assertThat(before).containsKeys("masterdata.customer", "devices.device", "onboarding.device_certificate",
                "onboarding.crl_number_seq", "gateway.flyway_schema_history");
        assertThat(before.get("onboarding.crl_number_seq")).isEqualTo("7");
        assertThat(before.get("masterdata.customer")).startsWith("1:");
        assertThat(before.get("devices.device")).startsWith("1:");
        assertThat(before.get("onboarding.device_certificate")).startsWith("1:");

        s3 = new S3StandIn("edp-backups", 2);
        Instant now = Instant.now();
        s3.objects.put("testing/edp-" + STAMP.format(now.minus(8, ChronoUnit.DAYS)) + ".dump", new byte[] { 1 });
        s3.objects.put("testing/edp-" + STAMP.format(now.minus(1, ChronoUnit.DAYS)) + ".dump", new byte[] { 2 });
        s3.objects.put("testing/notes.txt", new byte[] { 3 });
        s3.objects.put("staging/edp-" + STAMP.format(now.minus(30, ChronoUnit.DAYS)) + ".dump", new byte[] { 4 });
    }

    @AfterAll
    static void stop() throws IOException {
        if (s3 != null) {
            s3.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void backupDumpsToTheEnvironmentsFolderAndPrunesOnlyItsOwnDumpsOlderThanTheRetention() {
        Instant started = Instant.now().minusSeconds(1);
        Command.Result backup = script("pgbackup.sh", Map.of()).assertSuccess("pgbackup");
        assertThat(backup.output()).contains("pruned testing/edp-").contains("1 old dumps pruned");

        List<String> keys = s3.keys();
        // The day-old dump stays, the 8-day-old one is gone, the new one is there.
        List<String> made = keys.stream().filter(k -> k.startsWith("testing/edp-")).toList();
        newDump = keys.stream()
            .filter(k -> k.matches("testing/edp-\\d{8}T\\d{6}Z\\.dump"))
            .filter(k -> k.compareTo("testing/edp-" + STAMP.format(started) + ".dump") >= 0)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no new dump among " + keys));
        assertThat(made).hasSize(2).contains(newDump);
        assertThat(keys).as("other environments and foreign objects are never touched")
            .contains("testing/notes.txt")
            .anyMatch(k -> k.startsWith("staging/edp-"));
        // A custom-format dump (pg_restore's "PGDMP" magic), not an empty or plain-text
        // file.
        assertThat(new String(s3.objects.get(newDump), 0, 5)).isEqualTo("PGDMP");
        assertThat(s3.requests).allSatisfy(request -> assertThat(request).doesNotEndWith(" 403"));
    }

    @Test
    @Order(2)
    void droppedDatabaseIsRestoredFromTheNewestDumpWithEveryRowAndSequence() throws Exception {
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
                Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE edp WITH (FORCE)");
            sql.execute("CREATE DATABASE edp OWNER edp");
        }
        assertThat(fingerprint()).as("the new, empty database").isEmpty();

        script("pgrestore.sh", Map.of()).assertSuccess("pgrestore latest");

        assertThat(fingerprint()).isEqualTo(before);
        // The services start on it: their Flyway finds every migration applied and valid,
        // nothing to run.
        SCHEMAS.forEach((module, schema) -> {
            Flyway flyway = flyway(module, schema);
            flyway.validate();
            assertThat(flyway.migrate().migrationsExecuted).as(module).isZero();
        });
        try (Connection db = edp();
                Statement sql = db.createStatement();
                ResultSet next = sql.executeQuery("SELECT nextval('onboarding.crl_number_seq')")) {
            next.next();
            assertThat(next.getLong(1)).as("the CRL number continues after the restore").isEqualTo(8);
        }
        before = fingerprint();
    }

    @Test
    @Order(3)
    void failedRestoreOrBackupLeavesDatabaseAndStorageAsTheyWere() throws Exception {
        Command.Result missing = script("pgrestore.sh", Map.of(), "testing/edp-19990101T000000Z.dump");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(fingerprint()).isEqualTo(before);

        List<String> keysBefore = s3.keys();
        Command.Result forged = script("pgbackup.sh", Map.of("AWS_SECRET_ACCESS_KEY", "not-the-secret"));
        assertThat(forged.exitCode()).as("the storage refuses a wrong signature").isNotZero();
        assertThat(s3.requests).anySatisfy(request -> assertThat(request).endsWith(" 403"));
        assertThat(s3.keys()).isEqualTo(keysBefore);

        Command.Result unreachable = script("pgbackup.sh", Map.of("PGPORT", "1"));
        assertThat(unreachable.exitCode()).as("no database, no upload").isNotZero();
        assertThat(s3.keys()).isEqualTo(keysBefore);
    }

    private static Command.Result script(String name, Map<String, String> overrides, String... arguments) {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "localhost");
        env.put("PGPORT", Integer.toString(postgres.getPort()));
        env.put("PGDATABASE", "edp");
        env.put("PGUSER", "edp");
        env.put("PGPASSWORD", PASSWORD);
        env.put("S3_ENDPOINT", s3.endpoint());
        env.put("S3_BUCKET", "edp-backups");
        env.put("S3_REGION", S3StandIn.REGION);
        env.put("S3_PREFIX", "testing");
        env.put("AWS_ACCESS_KEY_ID", S3StandIn.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3StandIn.SECRET_KEY);
        env.put("BACKUP_RETENTION_DAYS", "7");
        env.putAll(overrides);
        List<String> command = new java.util.ArrayList<>(List.of(Repository.path("deploy/backup/" + name).toString()));
        command.addAll(List.of(arguments));
        return Command.run(command, Repository.root(), env, TIMEOUT);
    }

    private static Flyway flyway(String module, String schema) {
        Path migrations = Repository.path(module + "/src/main/resources/db/migration");
        return Flyway.configure()
            .dataSource(jdbcUrl(), "edp", PASSWORD)
            .schemas(schema)
            .createSchemas(true)
            .locations("filesystem:" + migrations)
            .load();
    }

    private static String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/edp";
    }

    private static Connection edp() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "edp", PASSWORD);
    }

    /**
     * {@code schema.table -> row count and md5 of all rows},
     * {@code schema.sequence -> last value}.
     */
    static Map<String, String> fingerprint() throws SQLException {
        Map<String, String> fingerprint = new LinkedHashMap<>();
        try (Connection db = edp(); Statement sql = db.createStatement()) {
            List<String> tables = new java.util.ArrayList<>();
            try (ResultSet rows = sql.executeQuery("SELECT schemaname || '.' || tablename FROM pg_tables "
                    + "WHERE schemaname IN ('masterdata','onboarding','devices','monitoring','gateway') ORDER BY 1")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rows = sql.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' "
                        + "ORDER BY t::text)), '') FROM " + table + " t")) {
                    rows.next();
                    fingerprint.put(table, rows.getString(1));
                }
            }
            try (ResultSet rows = sql.executeQuery("SELECT schemaname || '.' || sequencename, coalesce(last_value, 0) "
                    + "FROM pg_sequences WHERE schemaname IN ('masterdata','onboarding','devices','monitoring','gateway') "
                    + "ORDER BY 1")) {
                while (rows.next()) {
                    fingerprint.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return fingerprint;
    }

}
