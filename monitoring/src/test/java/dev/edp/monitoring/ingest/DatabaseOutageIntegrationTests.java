package dev.edp.monitoring.ingest;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.monitoring.support.TestClock;
import dev.edp.test.net.FaultProxy;
import dev.edp.test.postgres.WithPostgresFaults;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeats through a PostgreSQL outage, the database cut off behind platform-test's
 * {@link FaultProxy}: devices keep getting 202, the buffer keeps every status and every
 * history minute they reported and writes them once PostgreSQL is back; a full buffer
 * refuses with 503 and {@code Retry-After} instead of growing; the operator API answers
 * 503 problems meanwhile; the service is not ready while the database is away but stays
 * alive, and is ready again by itself. The buffer holds 10 entries here.
 */
@MonitoringTest
@WithPostgresFaults
@Import(TestClock.class)
@TestPropertySource(properties = { "edp.monitoring.buffer-capacity=10", "edp.monitoring.buffer-retry-after=7s" })
class DatabaseOutageIntegrationTests extends MonitoringIntegrationTest {

    static final String HEARTBEAT = "/monitoring/api/v1/heartbeat";

    @Autowired
    FaultProxy database;

    @Autowired
    TestClock clock;

    @Autowired
    MeterRegistry meters;

    final UUID customer = UUID.randomUUID();

    @AfterEach
    void restore() throws Exception {
        database.restore();
        clock.release();
    }

    HttpResponse<String> heartbeat(UUID device, long uptime) {
        return Devices.post(checks.baseUrl(), device, customer, HEARTBEAT, Devices.heartbeat(uptime, 1));
    }

    long uptime(UUID device) {
        return count("SELECT coalesce(max(uptime_seconds), -1) FROM device_status WHERE device_id = :id", "id", device);
    }

    long historyRows(UUID device) {
        return count("SELECT count(*) FROM heartbeat_history WHERE device_id = :id", "id", device);
    }

    double flushFailures() {
        return meters.get("edp.monitoring.flush.failures").counter().count();
    }

    double entries() {
        return meters.get("edp.monitoring.buffer.entries").gauge().value();
    }

    int status(String path) {
        return ServiceSmokeChecks.send("GET", checks.managementUrl() + path, null, null).statusCode();
    }

    /**
     * Polls until done; a probe that fails (its own query meets the pool still
     * reconnecting) is "not yet".
     */
    static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!probe(done)) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static boolean probe(BooleanSupplier done) {
        try {
            return done.getAsBoolean();
        }
        catch (RuntimeException notYet) {
            return false;
        }
    }

    @Test
    void heartbeatsAcceptedDuringAnOutageAreWrittenWhenTheDatabaseIsBack() throws Exception {
        List<UUID> devices = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        for (UUID device : devices) {
            assertThat(heartbeat(device, 1).statusCode()).isEqualTo(202);
        }
        await("the heartbeats before the outage", Duration.ofSeconds(30),
                () -> devices.stream().allMatch(device -> uptime(device) == 1));
        double failuresBefore = flushFailures();

        database.cut();
        // Heartbeats in two history minutes while the database is away: each minute is
        // kept.
        clock.freeze();
        for (long uptime = 2; uptime <= 3; uptime++) {
            clock.advance(Duration.ofSeconds(61));
            for (UUID device : devices) {
                long start = System.nanoTime();
                HttpResponse<String> accepted = heartbeat(device, uptime);
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            }
        }
        await("a flush that fails", Duration.ofSeconds(30), () -> flushFailures() > failuresBefore);
        // The operator API says what is wrong, quickly, and the service is not ready but
        // alive.
        HttpResponse<String> list = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/api/monitoring/v1/devices",
                null, null, TestJwtIssuer.token("olga", customer, "operator"));
        assertProblem(list, 503, "DATABASE_UNAVAILABLE");
        assertThat(list.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(status("/actuator/health/readiness")).isEqualTo(503);
        assertThat(status("/actuator/health/liveness")).isEqualTo(200);

        database.restore();
        Instant back = Instant.now();
        await("every status written", Duration.ofSeconds(30),
                () -> devices.stream().allMatch(device -> uptime(device) == 3));
        for (UUID device : devices) {
            assertThat(historyRows(device)).as("the minute before and both minutes of the outage").isEqualTo(3);
        }
        await("ready again", Duration.ofSeconds(30), () -> status("/actuator/health/readiness") == 200);
        assertThat(Duration.between(back, Instant.now())).as("recovered by itself").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aFullBufferRefusesWithRetryAfterInsteadOfGrowingAndKeepsWhatItTook() throws Exception {
        await("an empty buffer", Duration.ofSeconds(30), () -> entries() == 0);
        database.cut();
        clock.freeze();
        List<UUID> taken = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            UUID device = UUID.randomUUID();
            HttpResponse<String> response = heartbeat(device, 5);
            if (response.statusCode() == 202) {
                taken.add(device);
            }
            else {
                refused = response;
            }
        }
        assertThat(refused).as("refused once the buffer holds its 10 entries").isNotNull();
        assertProblem(refused, 503, "BUFFER_FULL");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(taken).hasSize(10);
        assertThat(entries()).isEqualTo(10);
        // A device already held, in the same minute, replaces its entry: no growth, so it
        // is taken.
        assertThat(heartbeat(taken.getFirst(), 6).statusCode()).isEqualTo(202);

        database.restore();
        // A flush that copied the buffer before the replacement (and waited for the cut
        // database) writes 5 first; the replacing 6 stays held and the next flush writes
        // it.
        await("everything taken is written, the replacement last", Duration.ofSeconds(30),
                () -> taken.stream().allMatch(device -> uptime(device) >= 5) && uptime(taken.getFirst()) == 6);
        await("room again", Duration.ofSeconds(30), () -> entries() == 0);
        assertThat(heartbeat(UUID.randomUUID(), 1).statusCode()).isEqualTo(202);
        assertThat(meters.get("edp.monitoring.buffer.refused").tag("kind", "heartbeat").counter().count())
            .isGreaterThanOrEqualTo(1);
    }

}
