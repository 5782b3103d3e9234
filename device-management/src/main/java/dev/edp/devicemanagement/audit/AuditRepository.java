package dev.edp.devicemanagement.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.platform.web.KeysetQuery;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class AuditRepository {

    /** Newest first; {@code (customer_id, at DESC, id DESC)} and {@code (at DESC, id DESC)} serve it. */
    static final KeysetQuery ORDER = KeysetQuery.parse("-at", "-at",
            Map.of("at", new KeysetQuery.Column("at", KeysetQuery.Kind.TIMESTAMP)));

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * @param customerId only this customer's entries, or null for all (platform admin)
     * @param after the cursor's values, or null for the first page
     * @param limit page size (one more row is read)
     * @return the page
     */
    List<AuditEventResponse> page(UUID customerId, Map<String, Object> after, int limit) {
        StringBuilder sql = new StringBuilder("""
                SELECT id, customer_id, actor, action, entity_type, entity_id, at, before, after
                FROM audit_event WHERE TRUE""");
        if (customerId != null) {
            sql.append(" AND customer_id = :customerId");
        }
        if (after != null) {
            sql.append(" AND ").append(ORDER.afterCondition());
        }
        sql.append(" ORDER BY ").append(ORDER.orderBy()).append(" LIMIT :limit");
        JdbcClient.StatementSpec statement = jdbc.sql(sql.toString()).param("limit", limit + 1);
        if (customerId != null) {
            statement = statement.param("customerId", customerId);
        }
        if (after != null) {
            statement = statement.params(after);
        }
        return statement.query(this::map).list();
    }

    private AuditEventResponse map(ResultSet row, int index) throws SQLException {
        return new AuditEventResponse(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getString("actor"), row.getString("action"), row.getString("entity_type"),
                row.getString("entity_id"), row.getObject("at", OffsetDateTime.class).toInstant(),
                node(row.getString("before")), node(row.getString("after")));
    }

    private JsonNode node(String value) {
        return value == null ? null : json.readTree(value);
    }
}
