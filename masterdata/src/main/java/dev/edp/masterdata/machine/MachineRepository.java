package dev.edp.masterdata.machine;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.platform.web.KeysetQuery;
import dev.edp.platform.problem.EdpException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class MachineRepository {

    static final Map<String, KeysetQuery.Column> SORTS = Map.of(
            "name", new KeysetQuery.Column("name", KeysetQuery.Kind.TEXT),
            "createdAt", new KeysetQuery.Column("created_at", KeysetQuery.Kind.TIMESTAMP));

    private static final String COLUMNS = """
            id, customer_id, name, type, manufacturer, model, serial_number, site, location, commissioning_date,
            labels, version, created_at, created_by, updated_at, updated_by""";

    private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    MachineRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * What a machine list is filtered by; null members do not filter.
     * @param customerId only this customer's machines
     * @param type only machines of this type
     * @param site only machines at this site (exact)
     * @param manufacturer only machines of this manufacturer (exact)
     * @param serialNumber only the machine with this serial number (exact)
     * @param text only machines whose name contains this, ignoring case
     * @param labels only machines carrying all these labels
     */
    record Filter(UUID customerId, MachineType type, String site, String manufacturer, String serialNumber,
            String text, Map<String, String> labels) {
    }

    /** A query and its named parameters. */
    record SqlQuery(String sql, Map<String, Object> params) {
    }

    void insert(Machine machine) {
        try {
            jdbc.sql("""
                    INSERT INTO machine (id, customer_id, name, type, manufacturer, model, serial_number, site,
                                         location, commissioning_date, labels, version, created_at, created_by,
                                         updated_at, updated_by)
                    VALUES (:id, :customerId, :name, :type, :manufacturer, :model, :serialNumber, :site, :location,
                            :commissioningDate, CAST(:labels AS jsonb), :version, :createdAt, :createdBy,
                            :updatedAt, :updatedBy)
                    """)
                    .params(params(machine))
                    .param("customerId", machine.customerId())
                    .param("createdAt", KeysetQuery.timestamp(machine.createdAt()))
                    .param("createdBy", machine.createdBy())
                    .update();
        }
        catch (DuplicateKeyException ex) {
            throw serialTaken(machine);
        }
    }

    Optional<Machine> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM machine WHERE id = :id").param("id", id).query(this::map)
                .optional();
    }

    Optional<Machine> findForUpdate(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM machine WHERE id = :id FOR UPDATE").param("id", id)
                .query(this::map).optional();
    }

    /** @return whether the machine still had {@code expectedVersion} and was updated */
    boolean update(Machine machine, long expectedVersion) {
        try {
            return jdbc.sql("""
                    UPDATE machine SET name = :name, type = :type, manufacturer = :manufacturer, model = :model,
                                       serial_number = :serialNumber, site = :site, location = :location,
                                       commissioning_date = :commissioningDate, labels = CAST(:labels AS jsonb),
                                       version = :version, updated_at = :updatedAt, updated_by = :updatedBy
                    WHERE id = :id AND version = :expectedVersion
                    """)
                    .params(params(machine))
                    .param("expectedVersion", expectedVersion)
                    .update() == 1;
        }
        catch (DuplicateKeyException ex) {
            throw serialTaken(machine);
        }
    }

    /** @return whether the machine still had {@code expectedVersion} and was deleted */
    boolean delete(UUID id, long expectedVersion) {
        return jdbc.sql("DELETE FROM machine WHERE id = :id AND version = :expectedVersion").param("id", id)
                .param("expectedVersion", expectedVersion).update() == 1;
    }

    List<Machine> page(Filter filter, KeysetQuery order, Map<String, Object> after, int limit) {
        SqlQuery query = listQuery(filter, order, after, limit, json);
        return jdbc.sql(query.sql()).params(query.params()).query(this::map).list();
    }

    /**
     * The one query that reads a page of machines: filters, then {@code (sort column, id)} after
     * the cursor, in keyset order, {@code limit + 1} rows (the extra one only says there is more).
     */
    static SqlQuery listQuery(Filter filter, KeysetQuery order, Map<String, Object> after, int limit,
            JsonMapper json) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM machine WHERE TRUE");
        Map<String, Object> params = new HashMap<>();
        if (filter.customerId() != null) {
            sql.append(" AND customer_id = :customerId");
            params.put("customerId", filter.customerId());
        }
        if (filter.type() != null) {
            sql.append(" AND type = :type");
            params.put("type", filter.type().name());
        }
        if (filter.site() != null) {
            sql.append(" AND site = :site");
            params.put("site", filter.site());
        }
        if (filter.manufacturer() != null) {
            sql.append(" AND manufacturer = :manufacturer");
            params.put("manufacturer", filter.manufacturer());
        }
        if (filter.serialNumber() != null) {
            sql.append(" AND serial_number = :serialNumber");
            params.put("serialNumber", filter.serialNumber());
        }
        if (filter.text() != null && !filter.text().isBlank()) {
            sql.append(" AND name ILIKE :text");
            params.put("text", "%" + filter.text().strip().replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%");
        }
        if (filter.labels() != null && !filter.labels().isEmpty()) {
            sql.append(" AND labels @> CAST(:labels AS jsonb)");
            params.put("labels", json.writeValueAsString(filter.labels()));
        }
        if (after != null) {
            sql.append(" AND ").append(order.afterCondition());
            params.putAll(after);
        }
        sql.append(" ORDER BY ").append(order.orderBy()).append(" LIMIT :limit");
        params.put("limit", limit + 1);
        return new SqlQuery(sql.toString(), params);
    }

    private Map<String, Object> params(Machine machine) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", machine.id());
        params.put("name", machine.name());
        params.put("type", machine.type().name());
        params.put("manufacturer", machine.manufacturer());
        params.put("model", machine.model());
        params.put("serialNumber", machine.serialNumber());
        params.put("site", machine.site());
        params.put("location", machine.location());
        params.put("commissioningDate", machine.commissioningDate());
        params.put("labels", json.writeValueAsString(machine.labels()));
        params.put("version", machine.version());
        params.put("updatedAt", KeysetQuery.timestamp(machine.updatedAt()));
        params.put("updatedBy", machine.updatedBy());
        return params;
    }

    private Machine map(ResultSet row, int index) throws SQLException {
        return new Machine(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getString("name"), MachineType.valueOf(row.getString("type")), row.getString("manufacturer"),
                row.getString("model"), row.getString("serial_number"), row.getString("site"),
                row.getString("location"), row.getObject("commissioning_date", LocalDate.class),
                json.readValue(row.getString("labels"), LABELS), row.getLong("version"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(), row.getString("created_by"),
                row.getObject("updated_at", OffsetDateTime.class).toInstant(), row.getString("updated_by"));
    }

    private static EdpException serialTaken(Machine machine) {
        return new EdpException(HttpStatus.CONFLICT, "MACHINE_SERIAL_TAKEN", "Serial number taken",
                "The customer already has a machine with serial number '" + machine.serialNumber() + "'.");
    }
}
