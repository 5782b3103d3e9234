package dev.edp.devicemanagement.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.edp.devicemanagement.support.Approval;
import dev.edp.devicemanagement.support.FourEyes;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.platform.web.KeysetSorts;
import dev.edp.platform.web.Where;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Requests to move devices down out of STAGING or PRODUCTION, in plain SQL. */
@Repository
class DeviceMoveRepository {

    /** Newest first. */
    static final KeysetSorts<DeviceMove> ORDER = KeysetSorts.of(DeviceMove::id, "-requestedAt")
        .timestamp("requestedAt", "requested_at", move -> move.approval().requestedAt());

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
            .param("id", move.id())
            .param("customerId", move.customerId())
            .param("deviceId", move.deviceId())
            .param("from", move.fromEnvironment().name())
            .param("target", move.targetEnvironment().name())
            .param("basisVersion", move.basisVersion())
            .param("status", move.approval().status().name())
            .param("by", move.approval().requestedBy())
            .param("subject", requestedBySubject)
            .param("at", KeysetQuery.timestamp(move.approval().requestedAt()))
            .update();
    }

    /** A move request, locked, with the subject of its requester. */
    record Locked(DeviceMove move, String requestedBySubject) {
    }

    Optional<Locked> lock(UUID id) {
        return jdbc.sql("SELECT * FROM device_move WHERE id = :id FOR UPDATE")
            .param("id", id)
            .query((row, index) -> new Locked(map(row, index), row.getString("requested_by_subject")))
            .optional();
    }

    Optional<DeviceMove> find(UUID id) {
        return jdbc.sql("SELECT * FROM device_move WHERE id = :id").param("id", id).query(this::map).optional();
    }

    void decide(UUID id, boolean approve, Tenant decider, Instant at, String reason) {
        FourEyes.record(jdbc, "device_move", id, approve, decider, at, reason);
    }

    /** A page newest first, of one customer ({@code scope}) or all (null). */
    KeysetPage<DeviceMove> page(Keyset<DeviceMove> keyset, UUID scope) {
        return keyset.page(new Where().equal("customer_id", scope)
            .page("SELECT * FROM device_move", keyset)
            .on(jdbc)
            .query(this::map)
            .list());
    }

    private DeviceMove map(ResultSet row, int index) throws SQLException {
        return new DeviceMove(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getObject("device_id", UUID.class), Environment.valueOf(row.getString("from_environment")),
                Environment.valueOf(row.getString("target_environment")), row.getLong("basis_version"),
                Approval.read(row));
    }

}
