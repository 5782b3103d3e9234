package dev.edp.monitoring.notification;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.edp.platform.web.KeysetQuery;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes the notifications of opened and resolved alerts, inside the caller's transaction
 * (so an alert change and its notifications commit together), one statement per kind,
 * whatever the count.
 * <p>
 * Customer alerts go to every channel of the customer, platform alerts to the support
 * channel. Quiet period: per channel and device at most one alert-opened notification per
 * {@code quiet-period}; later ones are recorded as SUPPRESSED, and so is the resolved
 * notification of an alert whose opening was suppressed (nobody was told it opened).
 */
@Component
@EnableConfigurationProperties({ NotificationProperties.class, NotificationProperties.Support.class })
public class NotificationOutbox {

    /**
     * What the outbox needs to know of an alert.
     *
     * @param id the alert
     * @param customerId its customer, null for a platform alert
     * @param deviceId its device, if any
     */
    public record Alert(UUID id, UUID customerId, UUID deviceId) {
    }

    private final JdbcClient jdbc;

    private final NotificationProperties properties;

    private final NotificationProperties.Support support;

    NotificationOutbox(JdbcClient jdbc, NotificationProperties properties, NotificationProperties.Support support) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.support = support;
    }

    /**
     * Must run in the transaction that opened and resolved the alerts.
     * @param opened alerts opened
     * @param resolved alerts resolved
     * @param now the time to record
     */
    public void enqueue(List<Alert> opened, List<Alert> resolved, Instant now) {
        List<UUID> openedCustomer = ids(opened, false);
        List<UUID> resolvedCustomer = ids(resolved, false);
        if (!openedCustomer.isEmpty()) {
            jdbc.sql("""
                    INSERT INTO notification (alert_id, channel_id, channel_type, device_id, event, status,
                        next_attempt_at, created_at)
                    SELECT x.alert_id, x.channel_id, x.channel_type, x.device_id, 'OPENED',
                        CASE WHEN x.device_id IS NOT NULL AND (x.rank > 1 OR EXISTS (
                                SELECT 1 FROM notification n WHERE n.channel_id = x.channel_id
                                AND n.device_id = x.device_id AND n.event = 'OPENED' AND n.status <> 'SUPPRESSED'
                                AND n.created_at > :quietSince))
                            THEN 'SUPPRESSED' ELSE 'PENDING' END,
                        :now, :now
                    FROM (SELECT a.id AS alert_id, c.id AS channel_id, c.type AS channel_type, a.device_id,
                              row_number() OVER (PARTITION BY c.id, a.device_id ORDER BY a.opened_at, a.id) AS rank
                          FROM alert a JOIN unnest(CAST(:ids AS uuid[])) AS batch(aid) ON a.id = batch.aid
                          JOIN notification_channel c ON c.customer_id = a.customer_id) x""")
                .param("ids", array(openedCustomer))
                .param("quietSince", KeysetQuery.timestamp(now.minus(properties.quietPeriod())))
                .param("now", KeysetQuery.timestamp(now))
                .update();
        }
        if (!resolvedCustomer.isEmpty()) {
            jdbc.sql("""
                    INSERT INTO notification (alert_id, channel_id, channel_type, device_id, event, status,
                        next_attempt_at, created_at)
                    SELECT a.id, c.id, c.type, a.device_id, 'RESOLVED',
                        CASE WHEN EXISTS (SELECT 1 FROM notification n WHERE n.alert_id = a.id
                                AND n.channel_id = c.id AND n.event = 'OPENED' AND n.status <> 'SUPPRESSED')
                            THEN 'PENDING' ELSE 'SUPPRESSED' END,
                        :now, :now
                    FROM alert a JOIN unnest(CAST(:ids AS uuid[])) AS batch(aid) ON a.id = batch.aid
                    JOIN notification_channel c ON c.customer_id = a.customer_id""")
                .param("ids", array(resolvedCustomer))
                .param("now", KeysetQuery.timestamp(now))
                .update();
        }
        List<String> supportTypes = new ArrayList<>();
        if (!support.emails().isEmpty()) {
            supportTypes.add("EMAIL");
        }
        if (support.webhookUrl() != null) {
            supportTypes.add("WEBHOOK");
        }
        if (supportTypes.isEmpty()) {
            return;
        }
        insertSupport(ids(opened, true), "OPENED", supportTypes, now);
        insertSupport(ids(resolved, true), "RESOLVED", supportTypes, now);
    }

    private void insertSupport(List<UUID> alerts, String event, List<String> types, Instant now) {
        if (alerts.isEmpty()) {
            return;
        }
        jdbc.sql("""
                INSERT INTO notification (alert_id, channel_id, channel_type, device_id, event, status,
                    next_attempt_at, created_at)
                SELECT a.id, NULL, t.type, NULL, :event, 'PENDING', :now, :now
                FROM unnest(CAST(:ids AS uuid[])) AS a(id) CROSS JOIN unnest(CAST(:types AS text[])) AS t(type)""")
            .param("ids", array(alerts))
            .param("event", event)
            .param("types", types.stream().collect(Collectors.joining(",", "{", "}")))
            .param("now", KeysetQuery.timestamp(now))
            .update();
    }

    private static List<UUID> ids(List<Alert> alerts, boolean platform) {
        return alerts.stream().filter(alert -> (alert.customerId() == null) == platform).map(Alert::id).toList();
    }

    private static String array(List<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
    }

}
