package dev.edp.devicemanagement.events;

import java.time.Instant;
import java.util.UUID;

import dev.edp.platform.audit.Clocks;
import dev.edp.platform.web.KeysetQuery;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The outbox for monitoring: an event is a row written in the transaction of the change
 * it reports, so it exists exactly when the change was committed.
 * {@link DeviceEventRelay} sends it.
 */
@Component
public class DeviceEvents {

    static final int MAX_DETAIL = 2000;

    private final JdbcClient jdbc;

    DeviceEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores an event in the caller's transaction (there must be one).
     * @param deviceId the device
     * @param customerId its customer
     * @param type what happened
     * @param detail for people, e.g. which containers failed and why
     * @param at when it happened
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void publish(UUID deviceId, UUID customerId, DeviceEventType type, String detail, Instant at) {
        insert(deviceId, null, customerId, type, detail, at, at);
    }

    /**
     * Stores an event about a rollout (no device) in the caller's transaction.
     * @param rolloutId the rollout
     * @param customerId its customer
     * @param type {@code ROLLOUT_PAUSED} or {@code ROLLOUT_PAUSE_ENDED}
     * @param detail for people: which pause, and why
     * @param at when it happened (the rollouts' clock); the row is due at once
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void publishRollout(UUID rolloutId, UUID customerId, DeviceEventType type, String detail, Instant at) {
        // Due by the relay's (system) clock, whatever clock the rollout runs on.
        insert(null, rolloutId, customerId, type, detail, at, Clocks.now());
    }

    /** One outbox row, about a device or a rollout, due for the relay at {@code due}. */
    private void insert(UUID deviceId, UUID rolloutId, UUID customerId, DeviceEventType type, String detail, Instant at,
            Instant due) {
        String text = detail == null ? "" : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        jdbc.sql("""
                INSERT INTO device_event_outbox (device_id, rollout_id, customer_id, type, detail, at, next_attempt_at)
                VALUES (:deviceId, :rolloutId, :customerId, :type, :detail, :at, :due)
                """)
            .param("deviceId", deviceId)
            .param("rolloutId", rolloutId)
            .param("customerId", customerId)
            .param("type", type.name())
            .param("detail", text)
            .param("at", KeysetQuery.timestamp(at))
            .param("due", KeysetQuery.timestamp(due))
            .update();
    }

}
