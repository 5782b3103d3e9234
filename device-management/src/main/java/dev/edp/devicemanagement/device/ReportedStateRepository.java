package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.edp.platform.web.KeysetQuery;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ReportedStateRepository {

    private final JdbcClient jdbc;

    ReportedStateRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The device as a report needs it.
     *
     * @param lifecycle its lifecycle
     * @param deploymentFailed whether its last report rolled up to
     * {@code reconciliation failed}
     * @param name its name
     */
    record Locked(Lifecycle lifecycle, boolean deploymentFailed, String name) {
    }

    /**
     * @return the device if it belongs to the customer, locked for the report
     */
    Optional<Locked> lock(UUID deviceId, UUID customerId) {
        return jdbc.sql("""
                SELECT lifecycle, deployment_failed, name FROM device
                WHERE id = :id AND customer_id = :customerId FOR UPDATE
                """)
            .param("id", deviceId)
            .param("customerId", customerId)
            .query((row, index) -> new Locked(Lifecycle.valueOf(row.getString("lifecycle")),
                    row.getBoolean("deployment_failed"), row.getString("name")))
            .optional();
    }

    void deploymentFailed(UUID deviceId, boolean failed) {
        jdbc.sql("UPDATE device SET deployment_failed = :failed WHERE id = :id")
            .param("id", deviceId)
            .param("failed", failed)
            .update();
    }

    void store(UUID deviceId, ReportedState.Report report, Instant at) {
        jdbc.sql("""
                UPDATE device SET agent_version = COALESCE(:agent, agent_version),
                                  os_version = COALESCE(:os, os_version),
                                  reported_at = :at, reported_release_id = :releaseId
                WHERE id = :id
                """)
            .param("id", deviceId)
            .param("agent", report.agentVersion())
            .param("os", report.osVersion())
            .param("at", KeysetQuery.timestamp(at))
            .param("releaseId", report.releaseId())
            .update();
        jdbc.sql("DELETE FROM reported_container WHERE device_id = :id").param("id", deviceId).update();
        // One statement for all containers: unnest the arrays instead of a round trip per
        // container.
        List<ReportedState.Container> containers = report.containers();
        if (!containers.isEmpty()) {
            jdbc.sql("""
                    INSERT INTO reported_container (device_id, name, image, state, message)
                    SELECT :id, c.name, c.image, c.state, c.message
                    FROM unnest(CAST(:names AS text[]), CAST(:images AS text[]), CAST(:states AS text[]),
                                CAST(:messages AS text[])) AS c(name, image, state, message)
                    ON CONFLICT (device_id, name) DO UPDATE
                    SET image = EXCLUDED.image, state = EXCLUDED.state, message = EXCLUDED.message
                    """)
                .param("id", deviceId)
                .param("names", containers.stream().map(ReportedState.Container::name).toArray(String[]::new))
                .param("images", containers.stream().map(ReportedState.Container::image).toArray(String[]::new))
                .param("states", containers.stream().map(ReportedState.Container::state).toArray(String[]::new))
                .param("messages", containers.stream().map(ReportedState.Container::message).toArray(String[]::new))
                .update();
        }
    }

    ReportedState.Response find(UUID deviceId) {
        List<ReportedState.Container> containers = jdbc.sql("""
                SELECT name, image, state, message FROM reported_container WHERE device_id = :id ORDER BY name
                """)
            .param("id", deviceId)
            .query((row, index) -> new ReportedState.Container(row.getString("name"), row.getString("image"),
                    row.getString("state"), row.getString("message")))
            .list();
        return jdbc.sql("SELECT reported_at, reported_release_id FROM device WHERE id = :id")
            .param("id", deviceId)
            .query((row, index) -> {
                OffsetDateTime at = row.getObject("reported_at", OffsetDateTime.class);
                return new ReportedState.Response(deviceId, at == null ? null : at.toInstant(),
                        row.getObject("reported_release_id", UUID.class), containers);
            })
            .single();
    }

    /**
     * Counts by environment × connectivity in one query; served by the per-customer
     * index.
     */
    List<ReportedState.SummaryRow> summary(UUID customerId) {
        String where = customerId == null ? "" : " AND customer_id = :customerId";
        JdbcClient.StatementSpec statement = jdbc.sql("""
                SELECT environment, connectivity, lifecycle, count(*) AS devices FROM device
                WHERE lifecycle <> 'DECOMMISSIONED'%s
                GROUP BY environment, connectivity, lifecycle ORDER BY environment, connectivity, lifecycle
                """.formatted(where));
        if (customerId != null) {
            statement = statement.param("customerId", customerId);
        }
        return statement
            .query((row, index) -> new ReportedState.SummaryRow(row.getString("environment"),
                    row.getString("connectivity"), row.getString("lifecycle"), row.getLong("devices")))
            .list();
    }

}
