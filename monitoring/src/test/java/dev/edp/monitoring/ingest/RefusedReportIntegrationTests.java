package dev.edp.monitoring.ingest;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.platform.device.DevicePrincipal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reports PostgreSQL refuses reach the buffer directly here (the web layer would refuse
 * them): one device's bad report must not stop the heartbeats of all others, and a
 * database that is unavailable must not make the buffer drop anything.
 */
@MonitoringTest
class RefusedReportIntegrationTests extends MonitoringIntegrationTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final HeartbeatRequest.Usage USAGE = new HeartbeatRequest.Usage(1L, 2L);

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry meters;

    static HeartbeatRequest heartbeat(String agentVersion, long uptime) {
        return new HeartbeatRequest(uptime, agentVersion, "os", 1.0, USAGE, USAGE, USAGE,
                new HeartbeatRequest.Containers(1, 2));
    }

    static List<ContainerReportRequest.Container> containers(String message) {
        return List.of(new ContainerReportRequest.Container("opcua", "registry.example/opcua:1", "ready", message));
    }

    double rejected(String kind, String reason) {
        Counter counter = meters.find("edp.monitoring.rejected.reports")
            .tag("kind", kind)
            .tag("reason", reason)
            .counter();
        return counter == null ? 0 : counter.count();
    }

    double flushFailures() {
        return meters.get("edp.monitoring.flush.failures").counter().count();
    }

    long statusRows(UUID customer) {
        return count("SELECT count(*) FROM device_status WHERE customer_id = :c", "c", customer);
    }

    boolean hasStatus(UUID device) {
        return count("SELECT count(*) FROM device_status WHERE device_id = :d", "d", device) == 1;
    }

    @Test
    void reportsPostgresRefusesAreDroppedAloneCountedOnceAndTheNextFlushIsClean() {
        UUID customer = UUID.randomUUID();
        List<UUID> good = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            good.add(UUID.randomUUID());
        }
        UUID withNul = UUID.randomUUID();
        UUID tooLong = UUID.randomUUID();
        UUID badContainers = UUID.randomUUID();
        double nulBefore = rejected("heartbeat", "22021");
        double tooLongBefore = rejected("heartbeat", "22001");
        double containersBefore = rejected("container_report", "22021");
        double failuresBefore = flushFailures();

        for (UUID device : good.subList(0, 20)) {
            buffer.heartbeat(new DevicePrincipal(device, customer, "s"), heartbeat("1.0.0", 10));
        }
        // The incident: an agent version with U+0000, which PostgreSQL refuses in any
        // text column.
        buffer.heartbeat(new DevicePrincipal(withNul, customer, "s"), heartbeat("1.0\u0000-evil", 10));
        // A value no column takes (agent_version is VARCHAR(64)).
        buffer.heartbeat(new DevicePrincipal(tooLong, customer, "s"), heartbeat("9".repeat(65), 10));
        for (UUID device : good.subList(20, 40)) {
            buffer.heartbeat(new DevicePrincipal(device, customer, "s"), heartbeat("1.0.0", 10));
        }
        buffer.containers(new DevicePrincipal(good.getFirst(), customer, "s"), containers("all fine"));
        buffer.containers(new DevicePrincipal(badContainers, customer, "s"), containers("bad\u0000message"));
        buffer.flush();

        assertThat(statusRows(customer)).isEqualTo(40);
        assertThat(hasStatus(withNul)).isFalse();
        assertThat(hasStatus(tooLong)).isFalse();
        assertThat(count("SELECT count(*) FROM connectivity_event WHERE customer_id = :c", "c", customer))
            .isEqualTo(40);
        assertThat(count("SELECT count(*) FROM heartbeat_history WHERE customer_id = :c", "c", customer)).isEqualTo(40);
        assertThat(jdbc.sql("SELECT device_id FROM container_status WHERE customer_id = :c")
            .param("c", customer)
            .query(UUID.class)
            .list()).containsExactly(good.getFirst());
        assertThat(rejected("heartbeat", "22021")).isEqualTo(nulBefore + 1);
        assertThat(rejected("heartbeat", "22001")).isEqualTo(tooLongBefore + 1);
        assertThat(rejected("container_report", "22021")).isEqualTo(containersBefore + 1);
        assertThat(flushFailures()).as("refused rows are no failed flush").isEqualTo(failuresBefore);

        // Dropped, not put back: the next flush has nothing of them, and the device's
        // next good heartbeat is written as usual.
        buffer.flush();
        assertThat(rejected("heartbeat", "22021")).isEqualTo(nulBefore + 1);
        buffer.heartbeat(new DevicePrincipal(withNul, customer, "s"), heartbeat("1.0.1", 11));
        buffer.flush();
        assertThat(hasStatus(withNul)).isTrue();
        assertThat(rejected("heartbeat", "22021")).isEqualTo(nulBefore + 1);
        assertThat(flushFailures()).isEqualTo(failuresBefore);
    }

    /*
     * A flush whose statement is cancelled (SQLState 57014, as on a database shutdown or
     * an operator's intervention) must keep its reports: nothing is dropped for the
     * database's trouble.
     */
    @Test
    void aFlushTheDatabaseCancelsKeepsItsReportsForTheNextFlush() throws Exception {
        UUID customer = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        double failuresBefore = flushFailures();
        double rejectedBefore = meters.find("edp.monitoring.rejected.reports")
            .counters()
            .stream()
            .mapToDouble(Counter::count)
            .sum();
        try (Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                // Blocks the flush's SELECT … FOR UPDATE, not readers.
                statement.execute("LOCK TABLE device_status IN EXCLUSIVE MODE");
            }
            buffer.heartbeat(new DevicePrincipal(device, customer, "s"), heartbeat("1.0.0", 10));
            await("the background flush to wait for the lock",
                    () -> jdbc.sql("""
                            SELECT count(*) FROM pg_stat_activity
                            WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF d%'""")
                        .query(Long.class)
                        .single() > 0);
            jdbc.sql("""
                    SELECT pg_cancel_backend(pid) FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF d%'""").query().listOfRows();
            await("the failed flush", () -> flushFailures() > failuresBefore);
            assertThat(hasStatus(device)).isFalse();
            blocker.rollback();
        }
        await("the heartbeat, kept and written by a later flush", () -> hasStatus(device));
        assertThat(meters.find("edp.monitoring.rejected.reports").counters().stream().mapToDouble(Counter::count).sum())
            .isEqualTo(rejectedBefore);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

}
