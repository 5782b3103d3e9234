package dev.edp.devicemanagement.desiredstate;

import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads a device's desired state in one query: the device, its own release override or
 * else its environment's pin, the release.
 */
@Repository
class DesiredStateRepository {

    private final JdbcClient jdbc;

    private final JsonMapper json;

    DesiredStateRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * @param deviceId the device
     * @param customerId the customer E3 vouched for; another customer's device is not
     * found
     * @return the desired state, or empty when the device is not registered for that
     * customer
     */
    Optional<DesiredState> find(UUID deviceId, UUID customerId) {
        return jdbc.sql("""
                SELECT d.id, d.environment, r.id AS release_id, r.name AS release_name, r.containers
                FROM device d
                LEFT JOIN environment_pin p ON p.customer_id = d.customer_id AND p.environment = d.environment
                LEFT JOIN release r ON d.lifecycle = 'ACTIVE' AND r.id = COALESCE(d.release_override_id, p.release_id)
                WHERE d.id = :id AND d.customer_id = :customerId
                """)
            .param("id", deviceId)
            .param("customerId", customerId)
            .query((row, index) -> new DesiredState(row.getObject("id", UUID.class), row.getString("environment"),
                    row.getObject("release_id", UUID.class), row.getString("release_name"),
                    json.readTree(row.getString("containers") == null ? "[]" : row.getString("containers"))))
            .optional();
    }

}
