package dev.edp.monitoring.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.platform.web.KeysetSorts;
import dev.edp.platform.web.Where;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The alert table. Opening is idempotent: the unique partial index on open alerts per
 * {@code (type, subject)} lets at most one be open, whoever tries
 * ({@code ON CONFLICT DO NOTHING}). The device rules are evaluated set-based, one
 * statement per rule and direction.
 */
@Repository
class AlertRepository {

    static final String COLUMNS = """
            id, type, customer_id, device_id, rollout_id, subject, detail, opened_at, acknowledged_at,
            acknowledged_by, resolved_at, resolution""";

    private static final String OVERRIDE = """
            LEFT JOIN alert_rule_override o ON o.customer_id = d.customer_id AND o.type = :type""";

    private static final String NOT_OPEN = """
            NOT EXISTS (SELECT 1 FROM alert a WHERE a.type = :type AND a.subject = d.device_id::text
                AND a.resolved_at IS NULL)""";

    /**
     * What keeps a device rule's alert open, per type (d: device_status, o: the
     * customer's override).
     */
    private static final Map<AlertType, String> HOLDS = Map.of(AlertType.DEVICE_OFFLINE, "d.connectivity = 'OFFLINE'",
            AlertType.DISK_FULL, """
                    d.container_disk_total > 0
                    AND d.container_disk_used * 100 > d.container_disk_total * coalesce(o.threshold, :threshold)""",
            AlertType.CERTIFICATE_EXPIRING, """
                    d.certificate_not_after IS NOT NULL
                    AND d.certificate_not_after <= :now + make_interval(days => coalesce(o.threshold, :threshold))""");

    /**
     * What opens one (a device rule opens on a stricter condition than keeps it open only
     * for DEVICE_OFFLINE).
     */
    private static final Map<AlertType, String> OPENS = Map.of(AlertType.DEVICE_OFFLINE, """
            d.connectivity = 'OFFLINE'
            AND d.connectivity_changed_at <= :now - make_interval(mins => coalesce(o.threshold, :threshold))""",
            AlertType.DISK_FULL, HOLDS.get(AlertType.DISK_FULL), AlertType.CERTIFICATE_EXPIRING,
            HOLDS.get(AlertType.CERTIFICATE_EXPIRING));

    private static final Map<AlertType, String> DETAIL = Map.of(AlertType.DEVICE_OFFLINE, """
            'Offline since ' || to_char(d.connectivity_changed_at AT TIME ZONE 'UTC',
                'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' (last seen ' || to_char(d.last_seen AT TIME ZONE 'UTC',
                'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'""", AlertType.DISK_FULL, """
            'Container partition ' || round(d.container_disk_used * 100.0 / d.container_disk_total, 1)
                || ' % full (' || d.container_disk_used || ' of ' || d.container_disk_total || ' bytes)'""",
            AlertType.CERTIFICATE_EXPIRING, """
                    'Certificate valid until ' || to_char(d.certificate_not_after AT TIME ZONE 'UTC',
                        'YYYY-MM-DD"T"HH24:MI:SS"Z"')""");

    private final JdbcClient jdbc;

    AlertRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Opens the rule's alert for every device where it holds and none is open yet. */
    List<AlertResponse> openDeviceAlerts(AlertType type, boolean enabledByDefault, Integer threshold, Instant now) {
        return ruleAlerts(jdbc.sql("""
                INSERT INTO alert (id, type, customer_id, device_id, subject, detail, opened_at)
                SELECT gen_random_uuid(), :type, d.customer_id, d.device_id, d.device_id::text, %s, :now
                FROM device_status d %s
                WHERE coalesce(o.enabled, :enabled) AND %s AND %s
                ON CONFLICT (type, subject) WHERE resolved_at IS NULL DO NOTHING
                RETURNING %s""".formatted(DETAIL.get(type), OVERRIDE, OPENS.get(type), NOT_OPEN, COLUMNS)), type,
                enabledByDefault, threshold, now);
    }

    /**
     * Resolves the rule's open alerts whose device no longer meets the condition (or is
     * gone, or the rule is off).
     */
    List<AlertResponse> resolveDeviceAlerts(AlertType type, boolean enabledByDefault, Integer threshold, Instant now) {
        return ruleAlerts(jdbc.sql("""
                UPDATE alert a SET resolved_at = :now, resolution = 'Condition cleared'
                WHERE a.type = :type AND a.resolved_at IS NULL AND NOT EXISTS (
                    SELECT 1 FROM device_status d %s
                    WHERE d.device_id = a.device_id AND coalesce(o.enabled, :enabled) AND %s)
                RETURNING %s""".formatted(OVERRIDE, HOLDS.get(type), COLUMNS)), type, enabledByDefault, threshold, now);
    }

    /**
     * Resolves open event-driven alerts (deployment failed, rollout paused) of customers
     * who turned the rule off.
     */
    List<AlertResponse> resolveDisabled(AlertType type, boolean enabledByDefault, Instant now) {
        return jdbc.sql("""
                UPDATE alert a SET resolved_at = :now, resolution = 'Rule disabled'
                WHERE a.type = :type AND a.resolved_at IS NULL AND NOT coalesce((SELECT o.enabled
                    FROM alert_rule_override o WHERE o.customer_id = a.customer_id AND o.type = :type), :enabled)
                RETURNING %s""".formatted(COLUMNS))
            .param("type", type.name())
            .param("enabled", enabledByDefault)
            .param("now", KeysetQuery.timestamp(now))
            .query(AlertRepository::alert)
            .list();
    }

    /**
     * Opens an alert unless one is open for the subject already.
     * @return the alert opened, empty when one was open
     */
    Optional<AlertResponse> open(AlertType type, UUID customerId, UUID deviceId, String subject, String detail,
            Instant at) {
        return newAlert(jdbc.sql("""
                INSERT INTO alert (id, type, customer_id, device_id, subject, detail, opened_at)
                VALUES (:id, :type, :customerId, :deviceId, :subject, :detail, :at)
                ON CONFLICT (type, subject) WHERE resolved_at IS NULL DO NOTHING
                RETURNING %s""".formatted(COLUMNS)), type, customerId, deviceId, subject, detail)
            .param("at", KeysetQuery.timestamp(at))
            .query(AlertRepository::alert)
            .optional();
    }

    /** Resolves the open alert of the subject, if any. */
    Optional<AlertResponse> resolve(AlertType type, String subject, String resolution, Instant at) {
        return resolving(jdbc.sql("""
                UPDATE alert SET resolved_at = :at, resolution = :resolution
                WHERE type = :type AND subject = :subject AND resolved_at IS NULL
                RETURNING %s""".formatted(COLUMNS)), type, subject, resolution).param("at", KeysetQuery.timestamp(at))
            .query(AlertRepository::alert)
            .optional();
    }

    /**
     * Resolves the open event-driven alert of the subject because the event that ended
     * its condition happened at {@code ended}; an event of the condition older than that
     * then does not open it again ({@link #openUnlessResolvedSince}).
     * @param customerId the customer the alert must belong to (an event naming another
     * customer's subject changes nothing), null for any
     */
    Optional<AlertResponse> resolveEnded(AlertType type, UUID customerId, String subject, String resolution,
            Instant ended, Instant now) {
        return resolving(jdbc.sql("""
                UPDATE alert SET resolved_at = :now, condition_ended_at = :ended, resolution = :resolution
                WHERE type = :type AND subject = :subject AND resolved_at IS NULL
                    AND (CAST(:customerId AS uuid) IS NULL OR customer_id = :customerId)
                RETURNING %s""".formatted(COLUMNS)), type, subject, resolution).param("customerId", customerId)
            .param("ended", KeysetQuery.timestamp(ended))
            .param("now", KeysetQuery.timestamp(now))
            .query(AlertRepository::alert)
            .optional();
    }

    /**
     * Opens an event-driven alert (deployment failed, rollout paused) for an event that
     * happened at {@code happened}, unless one is open for the subject or the condition
     * of one ended at or after that time (the event is older than the last recovery or
     * end of the pause). The end is the ending event's time where known, not when it was
     * received: a pause, its end and a new pause relayed together open the new one.
     * @param deviceId the device, null for a rollout alert
     * @param rolloutId the rollout, null for a device alert
     */
    Optional<AlertResponse> openUnlessResolvedSince(AlertType type, UUID customerId, UUID deviceId, UUID rolloutId,
            String subject, String detail, Instant happened, Instant now) {
        return newAlert(jdbc.sql("""
                INSERT INTO alert (id, type, customer_id, device_id, rollout_id, subject, detail, opened_at)
                SELECT :id, :type, :customerId, :deviceId, :rolloutId, :subject, :detail, :now
                WHERE NOT EXISTS (SELECT 1 FROM alert WHERE type = :type AND subject = :subject
                    AND coalesce(condition_ended_at, resolved_at) >= :happened)
                ON CONFLICT (type, subject) WHERE resolved_at IS NULL DO NOTHING
                RETURNING %s""".formatted(COLUMNS)), type, customerId, deviceId, subject, detail)
            .param("rolloutId", rolloutId)
            .param("happened", KeysetQuery.timestamp(happened))
            .param("now", KeysetQuery.timestamp(now))
            .query(AlertRepository::alert)
            .optional();
    }

    /**
     * Runs a rule's statement over every device: the rule, whether it is on unless a
     * customer says otherwise, its threshold and the time.
     */
    private static List<AlertResponse> ruleAlerts(JdbcClient.StatementSpec statement, AlertType type,
            boolean enabledByDefault, Integer threshold, Instant now) {
        return statement.param("type", type.name())
            .param("enabled", enabledByDefault)
            .param("threshold", threshold)
            .param("now", KeysetQuery.timestamp(now))
            .query(AlertRepository::alert)
            .list();
    }

    /** Binds what every new alert has: a fresh id, its subject and its detail. */
    private static JdbcClient.StatementSpec newAlert(JdbcClient.StatementSpec insert, AlertType type, UUID customerId,
            UUID deviceId, String subject, String detail) {
        return insert.param("id", UUID.randomUUID())
            .param("type", type.name())
            .param("customerId", customerId)
            .param("deviceId", deviceId)
            .param("subject", subject)
            .param("detail", truncate(detail));
    }

    /** Binds which open alert a resolution ends and why. */
    private static JdbcClient.StatementSpec resolving(JdbcClient.StatementSpec update, AlertType type, String subject,
            String resolution) {
        return update.param("type", type.name()).param("subject", subject).param("resolution", truncate(resolution));
    }

    /**
     * Serializes the transactions that change alerts (evaluation, device events, service
     * health), on every replica: the quiet period and the outbox then see each other's
     * notifications.
     */
    void lockAlertChanges() {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('monitoring-alert-changes'))").query((row, i) -> 1).list();
    }

    /** Resolves every open alert of the devices. */
    List<AlertResponse> resolveDevices(Collection<UUID> deviceIds, String resolution, Instant at) {
        return jdbc.sql("""
                UPDATE alert a SET resolved_at = :at, resolution = :resolution
                FROM unnest(CAST(:ids AS uuid[])) AS gone(gid)
                WHERE a.device_id = gone.gid AND a.resolved_at IS NULL
                RETURNING %s""".formatted(COLUMNS))
            .param("ids", array(deviceIds))
            .param("resolution", resolution)
            .param("at", KeysetQuery.timestamp(at))
            .query(AlertRepository::alert)
            .list();
    }

    /** Stops tracking the devices: status and container rows go, a tombstone stays. */
    void forgetDevices(Map<UUID, UUID> customerByDevice, Instant at) {
        jdbc.sql("""
                INSERT INTO decommissioned_device (device_id, customer_id, decommissioned_at)
                SELECT device, customer, :at FROM unnest(CAST(:devices AS uuid[]), CAST(:customers AS uuid[]))
                    AS gone(device, customer)
                ON CONFLICT (device_id) DO NOTHING""")
            .param("devices", array(customerByDevice.keySet()))
            .param("customers", array(customerByDevice.keySet().stream().map(customerByDevice::get).toList()))
            .param("at", KeysetQuery.timestamp(at))
            .update();
        removeDecommissionedStatus();
    }

    /**
     * Deletes status rows of decommissioned devices (one a late flush may have brought
     * back).
     */
    int removeDecommissionedStatus() {
        jdbc.sql("DELETE FROM container_status c USING decommissioned_device g WHERE c.device_id = g.device_id")
            .update();
        return jdbc.sql("DELETE FROM device_status d USING decommissioned_device g WHERE d.device_id = g.device_id")
            .update();
    }

    Optional<AlertResponse> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alert WHERE id = :id")
            .param("id", id)
            .query(AlertRepository::alert)
            .optional();
    }

    /** Acknowledges an open alert once (the first acknowledgement stays). */
    Optional<AlertResponse> acknowledge(UUID id, String by, Instant at) {
        return jdbc.sql("""
                UPDATE alert SET acknowledged_at = :at, acknowledged_by = :by
                WHERE id = :id AND acknowledged_at IS NULL AND resolved_at IS NULL
                RETURNING %s""".formatted(COLUMNS))
            .param("id", id)
            .param("by", by)
            .param("at", KeysetQuery.timestamp(at))
            .query(AlertRepository::alert)
            .optional();
    }

    /** The orders of the alert list: newest first by default. */
    static final KeysetSorts<AlertResponse> SORTS = KeysetSorts.of(AlertResponse::id, "-openedAt")
        .timestamp("openedAt", "opened_at", AlertResponse::openedAt);

    /**
     * One page of alerts.
     * @param customerId the customer, null for all (platform admin)
     * @param open true: open only, false: resolved only, null: both
     */
    KeysetPage<AlertResponse> page(Keyset<AlertResponse> keyset, UUID customerId, Boolean open, AlertType type) {
        Where where = new Where().equal("customer_id", customerId).equal("type", type);
        if (open != null) {
            where.condition(open ? "resolved_at IS NULL" : "resolved_at IS NOT NULL");
        }
        return keyset.page(
                where.page("SELECT " + COLUMNS + " FROM alert", keyset).on(jdbc).query(AlertRepository::alert).list());
    }

    Map<AlertType, Long> countOpen() {
        return jdbc.sql("SELECT type, count(*) FROM alert WHERE resolved_at IS NULL GROUP BY type")
            .query((row, i) -> Map.entry(AlertType.valueOf(row.getString(1)), row.getLong(2)))
            .list()
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    static String array(Collection<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
    }

    private static String truncate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 2000 ? text : text.substring(0, 1999) + "…";
    }

    static AlertResponse alert(ResultSet row, int index) throws SQLException {
        Instant resolvedAt = instant(row, "resolved_at");
        return new AlertResponse(row.getObject("id", UUID.class), AlertType.valueOf(row.getString("type")),
                row.getObject("customer_id", UUID.class), row.getObject("device_id", UUID.class),
                row.getObject("rollout_id", UUID.class), row.getString("subject"), row.getString("detail"),
                resolvedAt == null ? "OPEN" : "RESOLVED", instant(row, "opened_at"), instant(row, "acknowledged_at"),
                row.getString("acknowledged_by"), resolvedAt, row.getString("resolution"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

}
