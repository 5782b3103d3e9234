package dev.edp.monitoring.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.edp.monitoring.support.Devices;
import dev.edp.test.device.TestE3;
import dev.edp.test.postgres.TestPostgres;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Heartbeat throughput, end to end over HTTP: starts the monitoring service on the test
 * PostgreSQL (embedded where there is no Docker), then {@code workers} clients send
 * heartbeats for {@code devices} simulated devices, each with E3-style credentials and
 * request proofs, for {@code seconds}. Prints heartbeats accepted per second and rows
 * written per second. Not a test: run it with
 * {@code monitoring/bench/heartbeats.sh [devices] [seconds] [workers]}.
 */
public final class HeartbeatBenchmark {

    private HeartbeatBenchmark() {
    }

    /**
     * @param args devices (default 5000), seconds (default 30), workers (default 32)
     */
    public static void main(String[] args) throws Exception {
        int deviceCount = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        TestPostgres.Database database = TestPostgres.get().createDatabase();
        ConfigurableApplicationContext app = Devices.startMonitoring(database, "bench", "--logging.level.root=WARN");
        String url = "http://localhost:" + app.getEnvironment().getProperty("local.server.port")
                + "/monitoring/api/v1/heartbeat";
        UUID customer = UUID.randomUUID();
        List<UUID> devices = new ArrayList<>();
        for (int i = 0; i < deviceCount; i++) {
            devices.add(UUID.randomUUID());
        }
        // E3 signs a credential per device and reuses it for minutes; every request gets
        // its own proof.
        String[] credentials = new String[deviceCount];
        Instant[] signedAt = new Instant[deviceCount];
        HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                int worker = w;
                pool.submit(() -> {
                    long uptime = 0;
                    for (int i = worker; System.nanoTime() < end; i = (i + workers) % deviceCount) {
                        if (signedAt[i] == null || signedAt[i].isBefore(Instant.now().minusSeconds(240))) {
                            credentials[i] = Devices.E3.credential(TestE3.Device.of(devices.get(i), customer),
                                    "monitoring");
                            signedAt[i] = Instant.now();
                        }
                        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .header(TestE3.CREDENTIAL_HEADER, credentials[i])
                            .header(TestE3.PROOF_HEADER,
                                    Devices.E3.proof(credentials[i], "monitoring", "POST",
                                            "/monitoring/api/v1/heartbeat", null, "127.0.0.1"))
                            .POST(HttpRequest.BodyPublishers.ofString(Devices.heartbeat(++uptime, 1_000_000)))
                            .build();
                        try {
                            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            (status == 202 ? accepted : refused).incrementAndGet();
                        }
                        catch (Exception ex) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        app.close(); // the final flush
        long statusRowsInDb;
        long historyRowsInDb;
        try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                Statement statement = connection.createStatement()) {
            statusRowsInDb = count(statement, "SELECT count(*) FROM monitoring.device_status");
            historyRowsInDb = count(statement, "SELECT count(*) FROM monitoring.heartbeat_history");
        }
        double status = meters.get("edp.monitoring.rows.written").tag("table", "device_status").counter().count();
        double history = meters.get("edp.monitoring.rows.written").tag("table", "heartbeat_history").counter().count();
        DistributionSummary batches = meters.get("edp.monitoring.flush.batch.size").summary();
        Timer flushes = meters.get("edp.monitoring.flush.duration").timer();
        System.out.printf("""

                devices %d, workers %d, %.1f s, PostgreSQL %s
                heartbeats accepted     %d (%.0f/s), refused or failed %d
                device_status upserts   %.0f (%.0f rows/s)
                heartbeat_history rows  %.0f (%.0f rows/s; at most one per device and minute)
                in the database after   %d device_status rows, %d heartbeat_history rows
                flushes                 %d, mean batch %.0f, max batch %.0f, mean flush %.1f ms, max flush %.1f ms
                %n""", deviceCount, workers, elapsed, TestPostgres.get().kind(), accepted.get(),
                accepted.get() / elapsed, refused.get(), status, status / elapsed, history, history / elapsed,
                statusRowsInDb, historyRowsInDb, batches.count(), batches.mean(), batches.max(),
                flushes.mean(TimeUnit.MILLISECONDS), flushes.max(TimeUnit.MILLISECONDS));
        System.exit(0);
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

}
