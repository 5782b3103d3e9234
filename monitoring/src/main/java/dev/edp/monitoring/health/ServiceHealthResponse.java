package dev.edp.monitoring.health;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The current state of one checked instance.
 *
 * @param service registry name or configured name
 * @param instance instance id
 * @param url the health URL checked
 * @param up whether the last check found it healthy
 * @param detail what the last check saw
 * @param since when it entered this state
 * @param lastCheck the last check
 * @param sampledAt the last history row written for it (internal)
 */
record ServiceHealthResponse(String service, String instance, String url, boolean up, String detail, Instant since,
        Instant lastCheck, @JsonIgnore Instant sampledAt) {
}
