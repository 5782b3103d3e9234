package dev.edp.devicemanagement.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.edp.platform.audit.Clocks;
import dev.edp.platform.client.OutboxMetrics;
import dev.edp.platform.client.OutboxRelay;
import dev.edp.platform.client.OutboxRetries;
import dev.edp.platform.client.ServiceCalls;
import dev.edp.platform.web.KeysetQuery;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClientResponseException;

/**
 * Sends the outbox to monitoring ({@code POST /api/monitoring/v1/internal/device-events})
 * with this service's own token, about once a second, in batches, through the starter's
 * {@link OutboxRelay}. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} in the
 * transaction that deletes them after monitoring answered 2xx, so two replicas never send
 * the same row at the same time and a crash before the commit sends it again (monitoring
 * sees an event at least once).
 *
 * <p>
 * A 4xx other than 401/408/429 is a permanent refusal: if the batch had more than one
 * row, its rows are sent again in halves in the same pass, down to single rows, so only
 * the rows monitoring refuses on their own are given up on. A row given up on is dead: it
 * keeps {@code dead_at} and {@code last_error} and is never sent again. Any other failure
 * (5xx, 401, 408, 429, no connection, no service token) keeps the rows, with their next
 * attempt pushed back exponentially (1 s, 2 s, 4 s ... at most 60 s), until
 * {@code edp.device-management.event-relay-max-attempts} (default 50) failed attempts,
 * after which they are dead as well.
 *
 * <p>
 * Metrics: {@code edp_outbox_pending{outbox="device-events"}} (rows neither sent nor
 * dead) and {@code edp_outbox_dead_total{outbox="device-events"}} (rows given up on).
 */
@Component
class DeviceEventRelay {

    static final String PATH = "/api/monitoring/v1/internal/device-events";
    static final String OUTBOX = "device-events";
    static final int BATCH = 200;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(DeviceEventRelay.class);

    /**
     * One event as monitoring receives it: about a device ({@code deviceId}) or a rollout
     * ({@code rolloutId}), never both. The absent one is left out, so a device event is
     * exactly what it was before rollouts existed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Event(UUID deviceId, UUID rolloutId, UUID customerId, String type, String detail, Instant at) {
    }

    /** The body monitoring receives. */
    record Batch(List<Event> events) {
    }

    private record Row(long id, int attempts, Event event) {
    }

    private final JdbcClient jdbc;

    private final ServiceCalls services;

    private final JsonMapper json;

    private final OutboxRetries retries;

    private final OutboxMetrics metrics;

    private final OutboxRelay<Row> relay;

    DeviceEventRelay(JdbcClient jdbc, TransactionTemplate transactions, ServiceCalls services, JsonMapper json,
            MeterRegistry meters, @Value("${edp.device-management.event-relay-max-attempts:50}") int maxAttempts) {
        this.jdbc = jdbc;
        this.services = services;
        this.json = json;
        this.retries = new OutboxRetries(Duration.ofSeconds(1), MAX_BACKOFF, maxAttempts);
        this.metrics = OutboxMetrics.register(meters, OUTBOX,
                () -> jdbc.sql("SELECT count(*) FROM device_event_outbox WHERE dead_at IS NULL")
                    .query(Long.class)
                    .single());
        this.relay = OutboxRelay.of(new Outbox())
            .batchSize(BATCH)
            .maxBatchesPerPass(Integer.MAX_VALUE)
            .transactions(transactions)
            .build();
    }

    @Scheduled(fixedDelayString = "${edp.device-management.event-relay-interval:1s}", initialDelayString = "1s")
    void relay() {
        try {
            relay.pass();
        }
        catch (RuntimeException ex) {
            log.warn("Device events not relayed to monitoring: {}", ex.getMessage());
        }
    }

    /**
     * The table {@code device_event_outbox}: rows deleted once sent, kept with
     * {@code dead_at} when given up on.
     */
    private final class Outbox implements OutboxRelay.Outbox<Row> {

        @Override
        public List<Row> claim(int limit) {
            return jdbc.sql("""
                    SELECT id, device_id, rollout_id, customer_id, type, detail, at, attempts FROM device_event_outbox
                    WHERE next_attempt_at <= :now AND dead_at IS NULL ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED
                    """)
                .param("now", KeysetQuery.timestamp(Clocks.now()))
                .param("limit", limit)
                .query(DeviceEventRelay::map)
                .list();
        }

        @Override
        public void send(List<Row> rows) {
            services.to("monitoring")
                .post()
                .uri(PATH)
                .contentType(MediaType.APPLICATION_JSON)
                .body(new Batch(rows.stream().map(Row::event).toList()))
                .retrieve()
                .toBodilessEntity();
        }

        @Override
        public void delivered(List<Row> rows) {
            jdbc.sql("DELETE FROM device_event_outbox WHERE id = ANY(:ids)").param("ids", ids(rows)).update();
        }

        @Override
        public void refused(List<Row> rows, RuntimeException ex) {
            markDead(rows, describe(ex));
            RestClientResponseException answer = (RestClientResponseException) ex;
            log.warn("Monitoring refused device events {} permanently with {} {}; giving up on them",
                    rows.stream().map(Row::id).toList(), answer.getStatusCode().value(), problemCode(answer));
        }

        /** Marks the rows out of attempts dead and backs off the others. */
        @Override
        public void failed(List<Row> rows, RuntimeException ex) {
            String error = describe(ex);
            List<Row> exhausted = rows.stream().filter(row -> retries.exhausted(row.attempts() + 1)).toList();
            List<Row> retried = rows.stream().filter(row -> !retries.exhausted(row.attempts() + 1)).toList();
            if (!exhausted.isEmpty()) {
                markDead(exhausted, error);
                log.warn("Monitoring did not take device events {} in {} attempts; giving up on them: {}",
                        exhausted.stream().map(Row::id).toList(), retries.maxAttempts(), error);
            }
            if (!retried.isEmpty()) {
                int attempts = retried.stream().mapToInt(Row::attempts).max().orElse(0) + 1;
                Duration backoff = retries.backoff(attempts);
                log.info("Monitoring did not take {} device events (attempt {}), next try in {}: {}", retried.size(),
                        attempts, backoff, error);
                jdbc.sql("""
                        UPDATE device_event_outbox SET attempts = attempts + 1, next_attempt_at = :next,
                                                       last_error = :error
                        WHERE id = ANY(:ids)
                        """)
                    .param("next", KeysetQuery.timestamp(Clocks.now().plus(backoff)))
                    .param("error", truncate(error))
                    .param("ids", ids(retried))
                    .update();
            }
        }

    }

    private void markDead(List<Row> rows, String error) {
        jdbc.sql("""
                UPDATE device_event_outbox SET attempts = attempts + 1, dead_at = :now, last_error = :error
                WHERE id = ANY(:ids)
                """)
            .param("now", KeysetQuery.timestamp(Clocks.now()))
            .param("error", truncate(error))
            .param("ids", ids(rows))
            .update();
        metrics.gaveUp(rows.size());
    }

    private String describe(RuntimeException ex) {
        if (ex instanceof RestClientResponseException answer) {
            return "HTTP " + answer.getStatusCode().value() + " " + problemCode(answer) + ": "
                    + answer.getResponseBodyAsString();
        }
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }

    /** The receiver's problem code ({@code code} of its problem+json), or {@code -}. */
    private String problemCode(RestClientResponseException ex) {
        try {
            JsonNode code = json.readTree(ex.getResponseBodyAsString()).get("code");
            return code != null && code.isString() ? code.asString() : "-";
        }
        catch (RuntimeException notJson) {
            return "-";
        }
    }

    private static String truncate(String error) {
        return error.length() > 1000 ? error.substring(0, 1000) : error;
    }

    private static Long[] ids(List<Row> rows) {
        return rows.stream().map(Row::id).toArray(Long[]::new);
    }

    private static Row map(ResultSet row, int index) throws SQLException {
        return new Row(row.getLong("id"), row.getInt("attempts"),
                new Event(row.getObject("device_id", UUID.class), row.getObject("rollout_id", UUID.class),
                        row.getObject("customer_id", UUID.class), row.getString("type"), row.getString("detail"),
                        row.getObject("at", OffsetDateTime.class).toInstant()));
    }

}
