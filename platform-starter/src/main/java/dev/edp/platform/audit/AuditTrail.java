package dev.edp.platform.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetSorts;
import dev.edp.platform.web.ListRequest;
import dev.edp.platform.web.Where;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads the audit trail that {@link AuditLog} writes (the service's own
 * {@code audit_event} table): newest first, keyset-paged. The indexes
 * {@code (customer_id, at DESC, id DESC)} and, for a platform admin's view of all
 * customers, {@code (at DESC, id DESC)} serve it.
 */
public class AuditTrail {

    /** Newest first, ties broken by id. */
    public static final KeysetSorts<AuditEntry> ORDER = KeysetSorts.of(AuditEntry::id, "-at")
        .timestamp("at", "at", AuditEntry::at);

    private final JdbcClient jdbc;

    private final JsonMapper json;

    /**
     * @param jdbc the service's database
     * @param json how entity states are read
     */
    public AuditTrail(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * One page of the trail, newest first ({@code sort} is not offered).
     * @param customerId only this customer's records, or null for all (a platform admin's
     * view)
     * @param list the page asked for
     * @return the page
     */
    public KeysetPage<AuditEntry> page(UUID customerId, ListRequest list) {
        return page(customerId, null, list);
    }

    /**
     * One page of one entity's trail (a device's history on its page), or of all when
     * {@code entityId} is null.
     * @param customerId only this customer's records, or null for all (a platform admin's
     * view)
     * @param entityId only records about this entity, or null
     * @param list the page asked for
     * @return the page
     */
    public KeysetPage<AuditEntry> page(UUID customerId, String entityId, ListRequest list) {
        Keyset<AuditEntry> keyset = list.keyset(ORDER);
        return keyset.page(new Where().equal("customer_id", customerId).equal("entity_id", entityId).page("""
                SELECT id, customer_id, actor, action, entity_type, entity_id, at, before, after
                FROM audit_event""", keyset).on(jdbc).query(this::map).list());
    }

    private AuditEntry map(ResultSet row, int index) throws SQLException {
        return new AuditEntry(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getString("actor"), row.getString("action"), row.getString("entity_type"),
                row.getString("entity_id"), row.getObject("at", OffsetDateTime.class).toInstant(),
                node(row.getString("before")), node(row.getString("after")));
    }

    private JsonNode node(String value) {
        return value == null ? null : json.readTree(value);
    }

}
