package dev.edp.devicemanagement.rollout;

import java.time.Clock;
import java.util.UUID;

import dev.edp.platform.audit.Clocks;
import dev.edp.platform.web.KeysetQuery;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * A device's report moves its status in the rollouts of the release it names: one
 * set-based UPDATE (+ history) in the report's transaction, under the device's row lock.
 * Only devices whose group started, of rollouts not cancelled or rolled back; a late
 * report after its group was decided changes the device but never reopens the group.
 */
@Component
public class RolloutReports {

    private static final int MAX_REASON = 2000;

    private final JdbcClient jdbc;

    private final Clock clock;

    RolloutReports(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * @param deviceId the reporting device
     * @param releaseId the release it reported, or null (then nothing changes)
     * @param status RECONCILING, READY or FAILED
     * @param reason for FAILED: the failing containers and their messages
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void reported(UUID deviceId, UUID releaseId, RolloutDeviceStatus status, String reason) {
        if (releaseId == null) {
            return;
        }
        String text = reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
        jdbc.sql("""
                WITH changed AS (
                    UPDATE rollout_device rd SET status = :status, reason = :reason, updated_at = :now
                    FROM rollout ro
                    WHERE rd.device_id = :deviceId AND ro.id = rd.rollout_id AND ro.release_id = :releaseId
                      AND ro.status IN ('RUNNING', 'WAITING', 'PAUSED', 'SUCCEEDED') AND rd.status <> 'PENDING'
                      AND (rd.status <> :status OR rd.reason IS DISTINCT FROM CAST(:reason AS varchar))
                    RETURNING rd.rollout_id, rd.device_id)
                INSERT INTO rollout_device_event (rollout_id, device_id, status, reason, at)
                SELECT rollout_id, device_id, :status, :reason, :now FROM changed
                """)
            .param("deviceId", deviceId)
            .param("releaseId", releaseId)
            .param("status", status.name())
            .param("reason", text)
            .param("now", KeysetQuery.timestamp(Clocks.now(clock)))
            .update();
    }

}
