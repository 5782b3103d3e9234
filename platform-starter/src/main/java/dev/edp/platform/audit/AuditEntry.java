package dev.edp.platform.audit;

import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * One record of the audit trail, as the audit endpoints show it.
 *
 * @param id the record
 * @param customerId the customer the changed entity belongs to
 * @param actor who made the change
 * @param action what was done, e.g. {@code DEVICE_MOVED}
 * @param entityType the kind of entity
 * @param entityId the entity
 * @param at when
 * @param before the entity's state before, or null
 * @param after the entity's state after, or null
 */
public record AuditEntry(UUID id, UUID customerId, String actor, String action, String entityType, String entityId,
        Instant at, JsonNode before, JsonNode after) {
}
