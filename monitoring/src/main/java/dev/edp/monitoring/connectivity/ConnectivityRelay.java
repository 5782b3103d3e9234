package dev.edp.monitoring.connectivity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import dev.edp.monitoring.batch.Rejections;
import dev.edp.platform.client.OutboxRelay;
import dev.edp.platform.client.ServiceCalls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClientResponseException;

/**
 * Relays the {@code connectivity_event} outbox to device-management
 * ({@code POST /api/devices/v1/internal/connectivity}) with this service's own token:
 * every {@code edp.monitoring.connectivity-relay.interval} on one replica at a time
 * (ShedLock), in id order, at most {@value #BATCH} rows per call, marked
 * {@code relayed_at} only after a 2xx. On a failure the rows stay and the relay waits (1
 * s, doubling up to {@code max-backoff}) before trying again: at-least-once, so
 * device-management must accept a batch twice (it applies the newest {@code at} per
 * device). A batch device-management refuses for its content (400, 422) is bisected and
 * only the refused rows are set aside (the starter's {@link OutboxRelay} runs this loop).
 */
@Component
@EnableConfigurationProperties(ConnectivityRelayProperties.class)
class ConnectivityRelay {

    static final int BATCH = 1000;
    static final String PATH = "/api/devices/v1/internal/connectivity";

    /**
     * Batches per run: a run ends after this many even at the 10 s read timeout (its lock
     * is kept alive meanwhile, {@code SchedulingConfig}).
     */
    static final int MAX_BATCHES_PER_RUN = 10;

    private static final Logger log = LoggerFactory.getLogger(ConnectivityRelay.class);

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    /** One change, as device-management receives it. */
    record Event(UUID deviceId, UUID customerId, boolean online, Instant at) {
    }

    /** The request body. */
    record Batch(List<Event> events) {
    }

    private record Row(long id, Event event) {
    }

    private final JdbcClient jdbc;

    private final ServiceCalls calls;

    private final Clock clock;

    private final Duration maxBackoff;

    private final Counter relayed;

    private final Counter failures;

    private final Counter refusedRows;

    private final OutboxRelay<Row> relay;

    private Duration backoff = Duration.ZERO;

    private volatile Instant nextAttempt = Instant.MIN;

    ConnectivityRelay(JdbcClient jdbc, ServiceCalls calls, Clock clock, ConnectivityRelayProperties properties,
            Rejections rejections, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.calls = calls;
        this.clock = clock;
        this.maxBackoff = properties.maxBackoff();
        this.relayed = Counter.builder("edp.connectivity.relayed")
            .description("Connectivity events device-management accepted")
            .register(meters);
        this.failures = Counter.builder("edp.connectivity.relay.failures")
            .description("Relay calls to device-management that failed (events kept, retried)")
            .register(meters);
        this.refusedRows = rejections.counter("connectivity_relay", "refused_by_device_management");
        // One replica at a time (ShedLock), so no row locks; a refusal is 400 or 422
        // only.
        this.relay = OutboxRelay.of(new Rows())
            .batchSize(BATCH)
            .maxBatchesPerPass(MAX_BATCHES_PER_RUN)
            .permanentWhen(ConnectivityRelay::refusedForItsContent)
            .build();
    }

    private static boolean refusedForItsContent(RuntimeException ex) {
        return ex instanceof RestClientResponseException answer
                && (answer.getStatusCode().value() == 400 || answer.getStatusCode().value() == 422);
    }

    @Scheduled(fixedDelayString = "${edp.monitoring.connectivity-relay.interval:1s}")
    @SchedulerLock(name = "monitoring-connectivity-relay", lockAtMostFor = "PT30S")
    public void scheduled() {
        if (clock.instant().isBefore(nextAttempt)) {
            return;
        }
        relay();
    }

    /**
     * Sends pending events in batches until none are left or a call fails.
     * @return how many were relayed
     */
    synchronized int relay() {
        return relay.pass();
    }

    /**
     * The {@code connectivity_event} rows not yet relayed. When device-management refuses
     * the body (400 or 422: its content, not the call, is wrong) the relay halves the
     * rows down to single rows; a single refused row is set aside (marked relayed,
     * counted and logged), so one bad row cannot hold up the outbox. Any other failure
     * ends the run and the rest stays pending.
     */
    private final class Rows implements OutboxRelay.Outbox<Row> {

        @Override
        public List<Row> claim(int limit) {
            return pending(limit);
        }

        @Override
        public void send(List<Row> rows) {
            calls.to("device-management")
                .post()
                .uri(PATH)
                .body(new Batch(rows.stream().map(Row::event).toList()))
                .retrieve()
                .toBodilessEntity();
        }

        @Override
        public void delivered(List<Row> rows) {
            mark(rows);
            relayed.increment(rows.size());
            answered();
        }

        @Override
        public void refused(List<Row> rows, RuntimeException ex) {
            Row row = rows.getFirst();
            mark(rows);
            refusedRows.increment();
            answered();
            log.warn(
                    "Device-management refused the connectivity event {} of device {} with HTTP {}; set aside, "
                            + "the others are relayed",
                    row.id(), row.event().deviceId(), ((RestClientResponseException) ex).getStatusCode().value());
        }

        @Override
        public void failed(List<Row> rows, RuntimeException ex) {
            // IllegalStateException: no instance of device-management registered (load
            // balancer).
            failures.increment();
            backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), maxBackoff);
            nextAttempt = clock.instant().plus(backoff);
            log.warn("Relaying {} connectivity events to device-management failed, retrying in {}: {}", rows.size(),
                    backoff, ex.getMessage());
        }

    }

    /** device-management answered (took or refused rows): the next run need not wait. */
    private void answered() {
        backoff = Duration.ZERO;
        nextAttempt = Instant.MIN;
    }

    private void mark(List<Row> rows) {
        jdbc.sql("UPDATE connectivity_event SET relayed_at = now() WHERE id = ANY(:ids)")
            .param("ids", rows.stream().map(Row::id).toArray(Long[]::new))
            .update();
    }

    private List<Row> pending(int limit) {
        return jdbc.sql("""
                SELECT id, device_id, customer_id, to_state, at FROM connectivity_event
                WHERE relayed_at IS NULL ORDER BY id LIMIT :limit""")
            .param("limit", limit)
            .query(ConnectivityRelay::row)
            .list();
    }

    private static Row row(ResultSet row, int i) throws SQLException {
        return new Row(row.getLong("id"),
                new Event(row.getObject("device_id", UUID.class), row.getObject("customer_id", UUID.class),
                        "ONLINE".equals(row.getString("to_state")),
                        row.getObject("at", OffsetDateTime.class).toInstant()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

}
