package dev.edp.platform.audit;

import java.util.UUID;

import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetQuery;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes the audit trail: who did what to which entity of which customer, when, with the
 * entity's state before and after. Called inside the transaction of the change it
 * records, so a change and its audit record are stored together or not at all.
 * <p>
 * Every service that audits keeps its own {@code audit_event} table (in its own schema,
 * created by its Flyway migrations) with the columns written below; the platform starter
 * provides this bean to every service with a database.
 */
public class AuditLog {

    private final JdbcClient jdbc;

    private final JsonMapper json;

    /**
     * @param jdbc the service's database
     * @param json how entity states are written
     */
    public AuditLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Records one change.
     * @param customerId the customer the entity belongs to
     * @param actor who made the change
     * @param action what happened, e.g. {@code MACHINE_UPDATED}
     * @param entityType the kind of entity, e.g. {@code MACHINE}
     * @param entityId the entity's id
     * @param before the entity's public representation before the change, or null
     * @param after its public representation after the change, or null
     */
    @Transactional
    public void record(UUID customerId, Tenant actor, String action, String entityType, String entityId, Object before,
            Object after) {
        jdbc.sql("""
                INSERT INTO audit_event (id, customer_id, actor, actor_subject, action, entity_type, entity_id, at,
                                         before, after)
                VALUES (:id, :customerId, :actor, :subject, :action, :entityType, :entityId, :at,
                        CAST(:before AS jsonb), CAST(:after AS jsonb))
                """)
            .param("id", UUID.randomUUID())
            .param("customerId", customerId)
            .param("actor", actor.actor())
            .param("subject", actor.subject())
            .param("action", action)
            .param("entityType", entityType)
            .param("entityId", entityId)
            .param("at", KeysetQuery.timestamp(Clocks.now()))
            .param("before", before == null ? null : json.writeValueAsString(before))
            .param("after", after == null ? null : json.writeValueAsString(after))
            .update();
    }

}
