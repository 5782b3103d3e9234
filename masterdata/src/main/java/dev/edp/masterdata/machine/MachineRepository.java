package dev.edp.masterdata.machine;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.masterdata.support.MasterdataProblem;
import dev.edp.platform.audit.Stamp;
import dev.edp.platform.jdbc.RowsByKey;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetSorts;
import dev.edp.platform.web.SqlQuery;
import dev.edp.platform.web.Where;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class MachineRepository {

    static final KeysetSorts<Machine> SORTS = KeysetSorts.of(Machine::id, "name")
        .text("name", "name", Machine::name)
        .timestamp("createdAt", "created_at", machine -> machine.stamp().createdAt());

    private static final String COLUMNS = """
            id, customer_id, name, type, manufacturer, model, serial_number, site, location, commissioning_date,
            labels, version, created_at, created_by, updated_at, updated_by""";

    private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;

    private final JsonMapper json;

    private final RowsByKey<Machine> byId;

    MachineRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.byId = new RowsByKey<>(jdbc, "machine", COLUMNS, "id", this::map);
        this.json = json;
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
                    """).params(params(machine)).param("customerId", machine.customerId()).update();
        }
        catch (DuplicateKeyException ex) {
            throw serialTaken(machine);
        }
    }

    Optional<Machine> find(UUID id) {
        return byId.find(id);
    }

    Optional<Machine> findForUpdate(UUID id) {
        return byId.findForUpdate(id);
    }

    /**
     * @return whether the machine still had {@code expectedVersion} and was updated
     */
    boolean update(Machine machine, long expectedVersion) {
        try {
            return jdbc.sql("""
                    UPDATE machine SET name = :name, type = :type, manufacturer = :manufacturer, model = :model,
                                       serial_number = :serialNumber, site = :site, location = :location,
                                       commissioning_date = :commissioningDate, labels = CAST(:labels AS jsonb),
                                       version = :version, updated_at = :updatedAt, updated_by = :updatedBy
                    WHERE id = :id AND version = :expectedVersion
                    """).params(params(machine)).param("expectedVersion", expectedVersion).update() == 1;
        }
        catch (DuplicateKeyException ex) {
            throw serialTaken(machine);
        }
    }

    /**
     * @return whether the machine still had {@code expectedVersion} and was deleted
     */
    boolean delete(UUID id, long expectedVersion) {
        return jdbc.sql("DELETE FROM machine WHERE id = :id AND version = :expectedVersion")
            .param("id", id)
            .param("expectedVersion", expectedVersion)
            .update() == 1;
    }

    /** One page of machines: of one customer ({@code scope}) or all (null), filtered. */
    KeysetPage<Machine> page(Keyset<Machine> keyset, UUID scope, MachineFilter filter) {
        return keyset.page(listQuery(keyset, scope, filter).on(jdbc).query(this::map).list());
    }

    /** The one query that reads a page of machines. */
    static SqlQuery listQuery(Keyset<Machine> keyset, UUID scope, MachineFilter filter) {
        return new Where().equal("customer_id", scope)
            .equal("type", filter.type())
            .equal("site", filter.site())
            .equal("manufacturer", filter.manufacturer())
            .equal("serial_number", filter.serialNumber())
            .containsText(filter.text(), "name")
            .containsAll("labels", filter.labels())
            .page("SELECT " + COLUMNS + " FROM machine", keyset);
    }

    private Map<String, Object> params(Machine machine) {
        Map<String, Object> params = new HashMap<>(machine.stamp().params());
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
        return params;
    }

    private Machine map(ResultSet row, int index) throws SQLException {
        return new Machine(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getString("name"), MachineType.valueOf(row.getString("type")), row.getString("manufacturer"),
                row.getString("model"), row.getString("serial_number"), row.getString("site"),
                row.getString("location"), row.getObject("commissioning_date", LocalDate.class),
                json.readValue(row.getString("labels"), LABELS), Stamp.read(row));
    }

    private static EdpException serialTaken(Machine machine) {
        return MasterdataProblem.MACHINE_SERIAL_TAKEN
            .exception("The customer already has a machine with serial number '" + machine.serialNumber() + "'.");
    }

}
