package dev.edp.devicemanagement.desiredstate;

import java.time.Instant;
import java.util.UUID;

import dev.edp.devicemanagement.device.Environment;
import dev.edp.platform.web.KeysetQuery;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes an environment's pin, the release its devices run unless a release override or a
 * newer rollout assignment says otherwise ({@link DesiredStateRepository}): a direct pin,
 * an approved promotion and a rollout that succeeded all pin with this one statement. The
 * caller holds the pin row's lock and announces the change ({@link DesiredStateNotifier})
 * in the same transaction.
 */
@Component
public class EnvironmentPins {

    private final JdbcClient jdbc;

    EnvironmentPins(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Pins a release, counting the pin's revision up.
     * @param customerId the customer
     * @param environment its environment
     * @param releaseId the release
     * @param at when (pins and rollout groups compete by time)
     * @param by who
     */
    public void pin(UUID customerId, Environment environment, UUID releaseId, Instant at, String by) {
        jdbc.sql("""
                INSERT INTO environment_pin (customer_id, environment, release_id, revision, pinned_at, pinned_by)
                VALUES (:customerId, :environment, :releaseId, 1, :at, :by)
                ON CONFLICT (customer_id, environment) DO UPDATE
                SET release_id = EXCLUDED.release_id, revision = environment_pin.revision + 1,
                    pinned_at = EXCLUDED.pinned_at, pinned_by = EXCLUDED.pinned_by
                """)
            .param("customerId", customerId)
            .param("environment", environment.name())
            .param("releaseId", releaseId)
            .param("at", KeysetQuery.timestamp(at))
            .param("by", by)
            .update();
    }

}
