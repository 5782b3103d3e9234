package dev.edp.devicemanagement.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import dev.edp.devicemanagement.support.Clocks;
import dev.edp.platform.client.ServiceCalls;
import dev.edp.platform.web.KeysetQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the outbox to monitoring ({@code POST /api/monitoring/v1/internal/device-events}) with this
 * service's own token, about once a second, in batches. Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED} in the transaction that deletes them after monitoring answered
 * 2xx, so two replicas never send the same row at the same time and a crash before the commit
 * sends it again (monitoring sees an event at least once). On failure the batch stays, with its
 * next attempt pushed back exponentially (1 s, 2 s, 4 s ... at most 60 s).
 */
@Component
class DeviceEventRelay {

    static final String PATH = "/api/monitoring/v1/internal/device-events";
    static final int BATCH = 200;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(DeviceEventRelay.class);

    /** One event as monitoring receives it. */
    record Event(UUID deviceId, UUID customerId, String type, String detail, Instant at) {
    }

    /** The body monitoring receives. */
    record Batch(List<Event> events) {
    }

    private record Row(long id, int attempts, Event event) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ServiceCalls services;

    DeviceEventRelay(JdbcClient jdbc, TransactionTemplate transactions, ServiceCalls services) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.services = services;
    }

    @Scheduled(fixedDelayString = "${edp.device-management.event-relay-interval:1s}", initialDelayString = "1s")
    void relay() {
        try {
            Integer sent;
            do {
                sent = transactions.execute(status -> relayBatch());
            }
            while (sent != null && sent == BATCH);
        }
        catch (RuntimeException ex) {
            log.warn("Device events not relayed to monitoring: {}", ex.getMessage());
        }
    }

    /** @return how many events were sent (0 when none were due or monitoring refused them) */
    int relayBatch() {
        List<Row> rows = jdbc.sql("""
                SELECT id, device_id, customer_id, type, detail, at, attempts FROM device_event_outbox
                WHERE next_attempt_at <= :now ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED
                """).param("now", KeysetQuery.timestamp(Clocks.now())).param("limit", BATCH).query(this::map).list();
        if (rows.isEmpty()) {
            return 0;
        }
        Long[] ids = rows.stream().map(Row::id).toArray(Long[]::new);
        try {
            services.to("monitoring").post().uri(PATH).contentType(MediaType.APPLICATION_JSON)
                    .body(new Batch(rows.stream().map(Row::event).toList())).retrieve().toBodilessEntity();
        }
        catch (RuntimeException ex) {
            String error = ex.getClass().getSimpleName() + ": " + ex.getMessage();
            int attempts = rows.stream().mapToInt(Row::attempts).max().orElse(0) + 1;
            Duration backoff = backoff(attempts);
            log.info("Monitoring did not take {} device events (attempt {}), next try in {}: {}", rows.size(),
                    attempts, backoff, error);
            jdbc.sql("""
                    UPDATE device_event_outbox SET attempts = attempts + 1, next_attempt_at = :next,
                                                   last_error = :error
                    WHERE id = ANY(:ids)
                    """).param("next", KeysetQuery.timestamp(Clocks.now().plus(backoff)))
                    .param("error", error.length() > 1000 ? error.substring(0, 1000) : error).param("ids", ids)
                    .update();
            return 0;
        }
        jdbc.sql("DELETE FROM device_event_outbox WHERE id = ANY(:ids)").param("ids", ids).update();
        return rows.size();
    }

    static Duration backoff(int attempts) {
        if (attempts >= 7) {
            return MAX_BACKOFF;
        }
        Duration wait = Duration.ofSeconds(1L << Math.max(0, attempts - 1));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    private Row map(ResultSet row, int index) throws SQLException {
        return new Row(row.getLong("id"), row.getInt("attempts"),
                new Event(row.getObject("device_id", UUID.class), row.getObject("customer_id", UUID.class),
                        row.getString("type"), row.getString("detail"),
                        row.getObject("at", OffsetDateTime.class).toInstant()));
    }

}
