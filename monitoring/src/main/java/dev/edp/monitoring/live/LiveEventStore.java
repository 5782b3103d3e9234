package dev.edp.monitoring.live;

import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@link LiveEvents} backed by the {@code live_event} table: the insert and a
 * {@code pg_notify} on {@value #CHANNEL} with the new id go out in one statement, so
 * inside a caller's transaction the event is visible, and announced to every replica's
 * listener, only when that transaction commits.
 */
@Component
class LiveEventStore implements LiveEvents {

    /** The PostgreSQL notification channel; the payload is the {@code live_event} id. */
    static final String CHANNEL = "edp_live_event";

    private final JdbcClient jdbc;

    private final JsonMapper json;

    LiveEventStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public void publish(UUID customerId, String type, Object data) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("type is required");
        }
        jdbc.sql("""
                WITH e AS (INSERT INTO live_event (customer_id, type, data) VALUES (:customerId, :type, :data::jsonb)
                           RETURNING id)
                SELECT pg_notify('""" + CHANNEL + "', id::text) FROM e")
            .param("customerId", customerId)
            .param("type", type)
            .param("data", json.writeValueAsString(data))
            .query((row, i) -> 1)
            .list();
    }

}
