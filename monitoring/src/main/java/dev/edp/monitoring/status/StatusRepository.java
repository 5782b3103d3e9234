package dev.edp.monitoring.status;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.edp.platform.web.Where;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class StatusRepository {

    private static final String COLUMNS = """
            device_id, customer_id, connectivity, connectivity_changed_at, last_seen, uptime_seconds, agent_version,
            os_version, cpu_load, memory_used, memory_total, system_disk_used, system_disk_total,
            container_disk_used, container_disk_total, containers_running, containers_total, certificate_not_after""";

    /** A device that went offline. */
    record WentOffline(UUID deviceId, UUID customerId) {
    }

    private final JdbcClient jdbc;

    StatusRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<DeviceStatusResponse> find(UUID deviceId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM device_status WHERE device_id = :id")
            .param("id", deviceId)
            .query(StatusRepository::status)
            .optional();
    }

    /**
     * {@code limit + 1} rows after {@code afterId}, by device id; served by the primary
     * key or (customer_id, device_id).
     */
    List<DeviceStatusResponse> page(UUID customerId, String connectivity, UUID afterId, int limit) {
        return new Where().equal("customer_id", customerId)
            .equal("connectivity", connectivity)
            .greaterThan("device_id", afterId)
            .page("SELECT " + COLUMNS + " FROM device_status", "device_id", limit)
            .on(jdbc)
            .query(StatusRepository::status)
            .list();
    }

    List<DeviceStatusResponse.ContainerState> containers(UUID deviceId) {
        return jdbc.sql("""
                SELECT name, image, state, message, reported_at FROM container_status WHERE device_id = :id
                ORDER BY name""")
            .param("id", deviceId)
            .query((row, i) -> new DeviceStatusResponse.ContainerState(row.getString("name"), row.getString("image"),
                    row.getString("state"), row.getString("message"), instant(row, "reported_at")))
            .list();
    }

    List<HeartbeatPoint> history(UUID deviceId, Instant from, Instant to, int limit) {
        return jdbc.sql("""
                SELECT bucket, received_at, uptime_seconds, cpu_load, memory_used, memory_total, system_disk_used,
                       system_disk_total, container_disk_used, container_disk_total, containers_running,
                       containers_total
                FROM heartbeat_history WHERE device_id = :id AND bucket >= :from AND bucket < :to
                ORDER BY bucket LIMIT :limit""")
            .param("id", deviceId)
            .param("from", from.atOffset(ZoneOffset.UTC))
            .param("to", to.atOffset(ZoneOffset.UTC))
            .param("limit", limit)
            .query((row, i) -> new HeartbeatPoint(instant(row, "bucket"), instant(row, "received_at"),
                    row.getLong("uptime_seconds"), row.getFloat("cpu_load"), usage(row, "memory"),
                    usage(row, "system_disk"), usage(row, "container_disk"),
                    new DeviceStatusResponse.Containers(row.getInt("containers_running"),
                            row.getInt("containers_total"))))
            .list();
    }

    /**
     * Marks every ONLINE device last seen before {@code cutoff} OFFLINE and records the
     * events, in one statement (the partial index on ONLINE rows' last_seen finds them).
     */
    List<WentOffline> markOffline(Instant cutoff, Instant now) {
        return jdbc.sql("""
                WITH gone AS (
                    UPDATE device_status SET connectivity = 'OFFLINE', connectivity_changed_at = :now
                    WHERE connectivity = 'ONLINE' AND last_seen < :cutoff
                    RETURNING device_id, customer_id)
                INSERT INTO connectivity_event (device_id, customer_id, from_state, to_state, at)
                SELECT device_id, customer_id, 'ONLINE', 'OFFLINE', :now FROM gone
                RETURNING device_id, customer_id""")
            .param("cutoff", cutoff.atOffset(ZoneOffset.UTC))
            .param("now", now.atOffset(ZoneOffset.UTC))
            .query((row, i) -> new WentOffline(row.getObject(1, UUID.class), row.getObject(2, UUID.class)))
            .list();
    }

    Map<String, Long> countByConnectivity() {
        return jdbc.sql("SELECT connectivity, count(*) AS n FROM device_status GROUP BY connectivity")
            .query((row, i) -> Map.entry(row.getString(1), row.getLong(2)))
            .list()
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static DeviceStatusResponse status(ResultSet row, int index) throws SQLException {
        return new DeviceStatusResponse(row.getObject("device_id", UUID.class),
                row.getObject("customer_id", UUID.class), row.getString("connectivity"),
                instant(row, "connectivity_changed_at"), instant(row, "last_seen"), row.getLong("uptime_seconds"),
                row.getString("agent_version"), row.getString("os_version"), row.getFloat("cpu_load"),
                usage(row, "memory"), usage(row, "system_disk"), usage(row, "container_disk"),
                new DeviceStatusResponse.Containers(row.getInt("containers_running"), row.getInt("containers_total")),
                nullableInstant(row, "certificate_not_after"), null);
    }

    private static DeviceStatusResponse.Usage usage(ResultSet row, String prefix) throws SQLException {
        return new DeviceStatusResponse.Usage(row.getLong(prefix + "_used"), row.getLong(prefix + "_total"));
    }

    private static Instant nullableInstant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

}
