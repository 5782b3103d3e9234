package dev.edp.monitoring.live;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the live feed fed and small: turns new {@code connectivity_event} rows into
 * {@code device.online} / {@code device.offline} events (every replica,
 * {@code FOR UPDATE SKIP LOCKED}, each row exactly once because it is marked in the same
 * statement that inserts the live event), and deletes events older than the replay window
 * (one replica, ShedLock).
 */
@Component
class LiveEventMaintenance {

    private static final Logger log = LoggerFactory.getLogger(LiveEventMaintenance.class);

    private final JdbcClient jdbc;

    private final LiveEventRepository events;

    private final LiveProperties properties;

    LiveEventMaintenance(JdbcClient jdbc, LiveEventRepository events, LiveProperties properties) {
        this.jdbc = jdbc;
        this.events = events;
        this.properties = properties;
    }

    /**
     * Publishes up to 1000 pending connectivity changes as live events, in id order.
     * @return how many were published
     */
    @Scheduled(fixedDelayString = "${edp.monitoring.live.connectivity-interval:500ms}")
    public int publishConnectivity() {
        return jdbc.sql("""
                WITH batch AS (
                    SELECT id FROM connectivity_event WHERE live_published_at IS NULL
                    ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED),
                marked AS (
                    UPDATE connectivity_event c SET live_published_at = now() FROM batch WHERE c.id = batch.id
                    RETURNING c.id, c.device_id, c.customer_id, c.from_state, c.to_state, c.at),
                inserted AS (
                    INSERT INTO live_event (customer_id, type, data)
                    SELECT customer_id, CASE WHEN to_state = 'ONLINE' THEN 'device.online' ELSE 'device.offline' END,
                           jsonb_build_object('deviceId', device_id, 'customerId', customer_id,
                                              'from', from_state, 'to', to_state,
                                              'at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                    FROM marked ORDER BY id
                    RETURNING id)
                SELECT pg_notify('""" + LiveEventStore.CHANNEL + "', id::text) FROM inserted")
            .query((row, i) -> 1)
            .list()
            .size();
    }

    @Scheduled(fixedDelayString = "${edp.monitoring.live.retention-interval:1m}")
    @SchedulerLock(name = "monitoring-live-retention", lockAtMostFor = "PT5M")
    public void prune() {
        int deleted = events.deleteOlderThan(properties.replayWindow());
        if (deleted > 0) {
            log.debug("Deleted {} live events older than {}", deleted, properties.replayWindow());
        }
    }

}
