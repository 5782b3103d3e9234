package dev.edp.devicemanagement.desiredstate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.edp.platform.audit.Clocks;
import dev.edp.platform.web.KeysetQuery;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads a device's desired state in one query: the device, its own release override, else
 * the newer of its environment's pin and its effective rollout assignment, the release.
 *
 * <p>
 * An assignment (a {@code rollout_device} row) is effective while the device is still in
 * the rollout's environment, its group has started, and the rollout is RUNNING, WAITING
 * or SUCCEEDED, or is PAUSED or CANCELLED and the device already fetched the release
 * ({@code delivered_at}). So a paused rollout hands its release to no further device, and
 * a ROLLED_BACK rollout's assignments give way to its rollback's. It competes with the
 * pin by time: the group's start against {@code pinned_at}, so a later direct pin wins.
 */
@Repository
class DesiredStateRepository {

    private final JdbcClient jdbc;

    private final JsonMapper json;

    private final Clock clock;

    DesiredStateRepository(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** How many devices one read asks for at most (a wake-up reads in chunks of this). */
    static final int CHUNK = 500;

    /**
     * @param deviceId the device
     * @param customerId the customer E3 vouched for; another customer's device is not
     * found
     * @return the desired state, or empty when the device is not registered for that
     * customer
     */
    Optional<DesiredState> find(UUID deviceId, UUID customerId) {
        return Optional.ofNullable(findAll(customerId, List.of(deviceId)).get(deviceId));
    }

    /**
     * Reads the desired state of many devices of one customer in one query (a wake-up of
     * the customer's parked long-polls): one read for up to {@link #CHUNK} devices
     * instead of one each.
     * @param customerId the customer
     * @param deviceIds its devices, at most {@link #CHUNK}
     * @return the state of each device registered for that customer; the others are
     * missing
     */
    Map<UUID, DesiredState> findAll(UUID customerId, Collection<UUID> deviceIds) {
        if (deviceIds.isEmpty()) {
            return Map.of();
        }
        if (deviceIds.size() > CHUNK) {
            throw new IllegalArgumentException("At most " + CHUNK + " devices per read, not " + deviceIds.size());
        }
        List<Found> found = jdbc.sql("""
                SELECT d.id, d.environment, r.id AS release_id, r.name AS release_name, r.containers,
                       CASE WHEN d.release_override_id IS NULL AND a.rollout_id IS NOT NULL
                                 AND (p.pinned_at IS NULL OR a.started_at > p.pinned_at)
                            THEN a.rollout_id END AS rollout_id,
                       a.delivered
                FROM device d
                LEFT JOIN environment_pin p ON p.customer_id = d.customer_id AND p.environment = d.environment
                LEFT JOIN LATERAL (
                    SELECT rd.rollout_id, ro.release_id, g.started_at, rd.delivered_at IS NOT NULL AS delivered
                    FROM rollout_device rd
                    JOIN rollout ro ON ro.id = rd.rollout_id
                    JOIN rollout_group g ON g.rollout_id = rd.rollout_id AND g.group_index = rd.group_index
                    WHERE rd.device_id = d.id AND ro.environment = d.environment AND g.started_at IS NOT NULL
                      AND (ro.status IN ('RUNNING', 'WAITING', 'SUCCEEDED')
                           OR (ro.status IN ('PAUSED', 'CANCELLED') AND rd.delivered_at IS NOT NULL))
                    ORDER BY g.started_at DESC LIMIT 1) a ON TRUE
                LEFT JOIN release r ON d.lifecycle = 'ACTIVE' AND r.id = COALESCE(d.release_override_id,
                    CASE WHEN a.rollout_id IS NOT NULL AND (p.pinned_at IS NULL OR a.started_at > p.pinned_at)
                         THEN a.release_id ELSE p.release_id END)
                WHERE d.id IN (:ids) AND d.customer_id = :customerId
                """).param("ids", List.copyOf(deviceIds)).param("customerId", customerId).query((row, index) -> {
            UUID release = row.getObject("release_id", UUID.class);
            UUID rollout = row.getObject("rollout_id", UUID.class);
            return new Found(
                    new DesiredState(row.getObject("id", UUID.class), row.getString("environment"), release,
                            row.getString("release_name"),
                            json.readTree(row.getString("containers") == null ? "[]" : row.getString("containers"))),
                    release != null && rollout != null && !row.getBoolean("delivered") ? rollout : null);
        }).list();
        Map<UUID, List<UUID>> undelivered = new HashMap<>();
        Map<UUID, DesiredState> states = new HashMap<>();
        for (Found each : found) {
            states.put(each.state().deviceId(), each.state());
            if (each.undelivered() != null) {
                undelivered.computeIfAbsent(each.undelivered(), key -> new ArrayList<>()).add(each.state().deviceId());
            }
        }
        undelivered.forEach(this::delivered);
        return states;
    }

    /**
     * The state and the rollout whose release it hands over for the first time, if so.
     */
    private record Found(DesiredState state, UUID undelivered) {
    }

    /**
     * Records the first time a rollout's release is handed to its devices; a guarded
     * UPDATE, so later reads write nothing.
     */
    private void delivered(UUID rolloutId, List<UUID> deviceIds) {
        jdbc.sql("""
                UPDATE rollout_device SET delivered_at = :now
                WHERE rollout_id = :rolloutId AND device_id IN (:deviceIds) AND delivered_at IS NULL
                """)
            .param("rolloutId", rolloutId)
            .param("deviceIds", deviceIds)
            .param("now", KeysetQuery.timestamp(Clocks.now(clock)))
            .update();
    }

}
