package dev.edp.monitoring.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.edp.monitoring.alert.AlertProperties;
import dev.edp.monitoring.config.MonitoringProperties;
import dev.edp.monitoring.notification.NotificationProperties;
import dev.edp.platform.web.KeysetQuery;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes what is no longer needed, daily ({@code edp.monitoring.retention-cron}, UTC) on
 * one replica (ShedLock {@code monitoring-retention}):
 * <ul>
 * <li>alerts resolved longer ago than {@code alerts.retention} (90 d), with their
 * notifications;</li>
 * <li>notifications in a final state (SENT, FAILED, SUPPRESSED) created longer ago than
 * {@code notifications.retention} (30 d), except those of alerts still open (the opened
 * notification decides whether the resolution is sent);</li>
 * <li>{@code connectivity_event} rows that both consumers have taken (relayed to
 * device-management and published to the live feed) and that are older than
 * {@code connectivity-retention} (7 d).</li>
 * </ul>
 * In batches of {@value #BATCH} rows, each its own short transaction, so a large backlog
 * holds no long locks; a run stops after {@link #BUDGET} (the next run continues).
 */
@Component
public class RetentionJob {

    /** What one run deleted. */
    public record Result(int alerts, int notifications, int connectivityEvents) {
    }

    static final int BATCH = 10_000;

    static final Duration BUDGET = Duration.ofMinutes(20);

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final JdbcClient jdbc;

    private final Clock clock;

    private final AlertProperties alerts;

    private final NotificationProperties notifications;

    private final MonitoringProperties monitoring;

    RetentionJob(JdbcClient jdbc, Clock clock, AlertProperties alerts, NotificationProperties notifications,
            MonitoringProperties monitoring) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.alerts = alerts;
        this.notifications = notifications;
        this.monitoring = monitoring;
    }

    @Scheduled(cron = "${edp.monitoring.retention-cron:0 17 3 * * *}", zone = "UTC")
    @SchedulerLock(name = "monitoring-retention", lockAtMostFor = "PT30M")
    public Result prune() {
        Instant now = clock.instant();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        // Notifications first: those of old resolved alerts go with their alert below
        // anyway.
        int notificationRows = batched(deadline, """
                DELETE FROM notification WHERE id IN (
                    SELECT n.id FROM notification n
                    WHERE n.status IN ('SENT', 'FAILED', 'SUPPRESSED') AND n.created_at < :cutoff
                    AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.id = n.alert_id AND a.resolved_at IS NULL)
                    LIMIT :batch)""", now.minus(notifications.retention()));
        // An alert and its notifications in one statement (notification.alert_id
        // references alert).
        int alertRows = batched(deadline, """
                WITH old AS (
                    SELECT id FROM alert WHERE resolved_at < :cutoff ORDER BY resolved_at LIMIT :batch),
                gone AS (DELETE FROM notification WHERE alert_id IN (SELECT id FROM old))
                DELETE FROM alert WHERE id IN (SELECT id FROM old)""", now.minus(alerts.retention()));
        int eventRows = batched(deadline, """
                DELETE FROM connectivity_event WHERE id IN (
                    SELECT id FROM connectivity_event
                    WHERE relayed_at IS NOT NULL AND live_published_at IS NOT NULL AND at < :cutoff
                    LIMIT :batch)""", now.minus(monitoring.connectivityRetention()));
        Result result = new Result(alertRows, notificationRows, eventRows);
        if (alertRows + notificationRows + eventRows > 0) {
            log.info("Retention deleted {} resolved alerts, {} notifications, {} connectivity events", alertRows,
                    notificationRows, eventRows);
        }
        return result;
    }

    /** Runs the delete until a batch is not full or the run's time is up. */
    private int batched(long deadline, String sql, Instant cutoff) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.sql(sql).param("cutoff", KeysetQuery.timestamp(cutoff)).param("batch", BATCH).update();
            total += deleted;
        }
        while (deleted == BATCH && System.nanoTime() < deadline);
        return total;
    }

}
