package dev.edp.masterdata.audit;

import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * One entry of a customer's audit trail.
 * @param id the entry's id
 * @param customerId the customer
 * @param actor who made the change (user name or client id)
 * @param action what happened, e.g. {@code MACHINE_UPDATED}
 * @param entityType {@code CUSTOMER}, {@code MACHINE} or {@code USER}
 * @param entityId the entity's id
 * @param at when
 * @param before the entity before the change (absent on creation)
 * @param after the entity after the change (absent on deletion)
 */
record AuditEventResponse(UUID id, UUID customerId, String actor, String action, String entityType,
        String entityId, Instant at, JsonNode before, JsonNode after) {
}
