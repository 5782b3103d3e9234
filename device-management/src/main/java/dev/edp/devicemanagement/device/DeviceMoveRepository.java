package dev.edp.devicemanagement.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.edp.platform.web.KeysetQuery;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Requests to move devices down out of STAGING or PRODUCTION, in plain SQL. */
@Repository
class DeviceMoveRepository {

    static final KeysetQuery ORDER = KeysetQuery.parse("-requestedAt", "-requestedAt",
            Map.of("requestedAt", new KeysetQuery.Column("requested_at", KeysetQuery.Kind.TIMESTAMP)));

    private final JdbcClient jdbc;

    DeviceMoveRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(DeviceMove move, String requestedBySubject) {
        jdbc.sql("""
                INSERT INTO device_move (id, customer_id, device_id, from_environment, target_environment,
                                         basis_version, status, requested_by, requested_by_subject, requested_at)
                VALUES (:id, :customerId, :deviceId, :from, :target, :basisVersion, :status, :by, :subject, :at)
                """)
                .param("id", move.id()).param("customerId", move.customerId()).param("deviceId", move.deviceId())
                .param("from", move.fromEnvironment().name()).param("target", move.targetEnvironment().name())
                .param("basisVersion", move.basisVersion()).param("status", move.status())
                .param("by", move.requestedBy()).param("subject", requestedBySubject)
                .param("at", KeysetQuery.timestamp(move.requestedAt())).update();
    }

    /** A move request, locked, with the subject of its requester. */
    record Locked(DeviceMove move, String requestedBySubject) {
    }

    Optional<Locked> lock(UUID id) {
        return jdbc.sql("SELECT * FROM device_move WHERE id = :id FOR UPDATE").param("id", id)
                .query((row, index) -> new Locked(map(row, index), row.getString("requested_by_subject")))
                .optional();
    }

    Optional<DeviceMove> find(UUID id) {
        return jdbc.sql("SELECT * FROM device_move WHERE id = :id").param("id", id).query(this::map).optional();
    }

    void decide(UUID id, String status, String by, String subject, Instant at, String reason) {
        jdbc.sql("""
                UPDATE device_move SET status = :status, decided_by = :by, decided_by_subject = :subject,
                                       decided_at = :at, reason = :reason
                WHERE id = :id
                """).param("id", id).param("status", status).param("by", by).param("subject", subject)
                .param("at", KeysetQuery.timestamp(at)).param("reason", reason).update();
    }

    /** A page newest first, of one customer ({@code customerId}) or all (null). */
    List<DeviceMove> page(UUID customerId, Map<String, Object> after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM device_move WHERE TRUE");
        if (customerId != null) {
            sql.append(" AND customer_id = :customerId");
        }
        if (after != null) {
            sql.append(" AND ").append(ORDER.afterCondition());
        }
        sql.append(" ORDER BY ").append(ORDER.orderBy()).append(" LIMIT :limit");
        JdbcClient.StatementSpec statement = jdbc.sql(sql.toString()).param("limit", limit + 1);
        if (customerId != null) {
            statement = statement.param("customerId", customerId);
        }
        return (after == null ? statement : statement.params(after)).query(this::map).list();
    }

    private DeviceMove map(ResultSet row, int index) throws SQLException {
        return new DeviceMove(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getObject("device_id", UUID.class), Environment.valueOf(row.getString("from_environment")),
                Environment.valueOf(row.getString("target_environment")), row.getLong("basis_version"),
                row.getString("status"), row.getString("requested_by"), instant(row, "requested_at"),
                row.getString("decided_by"), instant(row, "decided_at"), row.getString("reason"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
