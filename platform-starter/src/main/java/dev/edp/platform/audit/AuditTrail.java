package dev.edp.platform.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetQuery;

/**
 * Reads the audit trail that {@link AuditLog} writes (the service's own {@code audit_event}
 * table): newest first, keyset-paged. The indexes {@code (customer_id, at DESC, id DESC)} and, for
 * a platform admin's view of all customers, {@code (at DESC, id DESC)} serve it.
 */
public class AuditTrail {

    /** Newest first, ties broken by id. */
    public static final KeysetQuery ORDER = KeysetQuery.parse("-at", "-at",
            Map.of("at", new KeysetQuery.Column("at", KeysetQuery.Kind.TIMESTAMP)));

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
     * One page of the trail.
     * @param customerId only this customer's records, or null for all (a platform admin's view)
     * @param limit the requested page size (see {@link Cursor#limit(Integer)}), or null for the default
     * @param cursor the previous page's {@code nextCursor}, or null for the first page
     * @return the page
     */
    public KeysetPage<AuditEntry> page(UUID customerId, Integer limit, String cursor) {
        return page(customerId, null, limit, cursor);
    }

    /**
     * One page of one entity's trail (a device's history on its page), or of all when {@code entityId} is null.
     * @param customerId only this customer's records, or null for all (a platform admin's view)
     * @param entityId only records about this entity, or null
     * @param limit the requested page size (see {@link Cursor#limit(Integer)}), or null for the default
     * @param cursor the previous page's {@code nextCursor}, or null for the first page
     * @return the page
     */
    public KeysetPage<AuditEntry> page(UUID customerId, String entityId, Integer limit, String cursor) {
        int size = Cursor.limit(limit);
        Map<String, Object> after = ORDER.after(cursor);
        StringBuilder sql = new StringBuilder("""
                SELECT id, customer_id, actor, action, entity_type, entity_id, at, before, after
                FROM audit_event WHERE TRUE""");
        if (customerId != null) {
            sql.append(" AND customer_id = :customerId");
        }
        if (entityId != null) {
            sql.append(" AND entity_id = :entityId");
        }
        if (after != null) {
            sql.append(" AND ").append(ORDER.afterCondition());
        }
        sql.append(" ORDER BY ").append(ORDER.orderBy()).append(" LIMIT :limit");
        JdbcClient.StatementSpec statement = jdbc.sql(sql.toString()).param("limit", size + 1);
        if (customerId != null) {
            statement = statement.param("customerId", customerId);
        }
        if (entityId != null) {
            statement = statement.param("entityId", entityId);
        }
        if (after != null) {
            statement = statement.params(after);
        }
        List<AuditEntry> rows = statement.query(this::map).list();
        return KeysetPage.of(rows, size, entry -> ORDER.cursorOf(entry.at(), entry.id()));
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
