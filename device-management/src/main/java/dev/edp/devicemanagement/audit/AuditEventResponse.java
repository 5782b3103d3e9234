package dev.edp.devicemanagement.audit;

import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * One entry of a customer's audit trail.
 * @param id the entry's id
 * @param customerId the customer
 * @param actor who made the change (user name, or the client id of a service)
 * @param action what happened, e.g. {@code DEVICE_DECOMMISSIONED}
 * @param entityType {@code DEVICE}, {@code APPLICATION}, {@code RELEASE}, ...
 * @param entityId the entity's id
 * @param at when
 * @param before the entity before the change (absent on creation)
 * @param after the entity after the change (absent on deletion)
 */
record AuditEventResponse(UUID id, UUID customerId, String actor, String action, String entityType,
        String entityId, Instant at, JsonNode before, JsonNode after) {
}
