package dev.edp.devicemanagement.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.devicemanagement.support.Labels;
import dev.edp.platform.web.KeysetQuery;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class DeviceRepository {

    static final Map<String, KeysetQuery.Column> SORTS = Map.of(
            "name", new KeysetQuery.Column("name", KeysetQuery.Kind.TEXT),
            "createdAt", new KeysetQuery.Column("created_at", KeysetQuery.Kind.TIMESTAMP));

    private static final String COLUMNS = """
            id, customer_id, name, environment, machine_id, labels, lifecycle, certificate_serial,
            certificate_not_after, agent_version, os_version, connectivity, connectivity_since, release_override_id,
            version, created_at, created_by, updated_at, updated_by""";

    private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    DeviceRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * What a device list is filtered by; null members do not filter.
     * @param customerId only this customer's devices
     * @param environment only devices in this environment
     * @param lifecycle only devices in this lifecycle state; null means "not decommissioned"
     * @param connectivity only devices with this connectivity
     * @param machineId only devices attached to this machine
     * @param text only devices whose name contains this, ignoring case
     * @param labels only devices carrying all these labels
     */
    record Filter(UUID customerId, Environment environment, Lifecycle lifecycle, Connectivity connectivity,
            UUID machineId, String text, Map<String, String> labels) {
    }

    /** A query and its named parameters. */
    record SqlQuery(String sql, Map<String, Object> params) {
    }

    /** Inserts a new device; its id is a fresh random UUID, so it cannot clash. */
    void insert(Device device) {
        jdbc.sql("""
                INSERT INTO device (id, customer_id, name, environment, machine_id, labels, lifecycle,
                                    connectivity, version, created_at, created_by, updated_at, updated_by)
                VALUES (:id, :customerId, :name, :environment, :machineId, CAST(:labels AS jsonb), :lifecycle,
                        :connectivity, :version, :createdAt, :createdBy, :updatedAt, :updatedBy)
                """)
                .param("id", device.id())
                .param("customerId", device.customerId())
                .param("name", device.name())
                .param("environment", device.environment().name())
                .param("machineId", device.machineId())
                .param("labels", json.writeValueAsString(device.labels()))
                .param("lifecycle", device.lifecycle().name())
                .param("connectivity", device.connectivity().name())
                .param("version", device.version())
                .param("createdAt", KeysetQuery.timestamp(device.createdAt()))
                .param("createdBy", device.createdBy())
                .param("updatedAt", KeysetQuery.timestamp(device.updatedAt()))
                .param("updatedBy", device.updatedBy())
                .update();
    }

    /**
     * Registers a device unless one with its id exists (two replicas may race to create it).
     * @return whether it was inserted
     */
    boolean insertIfAbsent(Device device) {
        return jdbc.sql("""
                INSERT INTO device (id, customer_id, name, environment, machine_id, labels, lifecycle,
                                    certificate_serial, certificate_not_after, connectivity, version, created_at,
                                    created_by, updated_at, updated_by)
                VALUES (:id, :customerId, :name, :environment, :machineId, CAST(:labels AS jsonb), :lifecycle,
                        :serial, :notAfter, :connectivity, :version, :createdAt, :createdBy, :updatedAt, :updatedBy)
                ON CONFLICT (id) DO NOTHING
                """)
                .param("id", device.id())
                .param("customerId", device.customerId())
                .param("name", device.name())
                .param("environment", device.environment().name())
                .param("machineId", device.machineId())
                .param("labels", json.writeValueAsString(device.labels()))
                .param("lifecycle", device.lifecycle().name())
                .param("serial", device.certificateSerial())
                .param("notAfter", device.certificateNotAfter() == null ? null
                        : KeysetQuery.timestamp(device.certificateNotAfter()))
                .param("connectivity", device.connectivity().name())
                .param("version", device.version())
                .param("createdAt", KeysetQuery.timestamp(device.createdAt()))
                .param("createdBy", device.createdBy())
                .param("updatedAt", KeysetQuery.timestamp(device.updatedAt()))
                .param("updatedBy", device.updatedBy())
                .update() == 1;
    }

    /** @return whether the device still had {@code expectedVersion} and was updated */
    boolean updateCertificate(Device device, long expectedVersion) {
        return jdbc.sql("""
                UPDATE device SET lifecycle = :lifecycle, certificate_serial = :serial,
                                  certificate_not_after = :notAfter, version = :version,
                                  updated_at = :updatedAt, updated_by = :updatedBy
                WHERE id = :id AND version = :expectedVersion
                """)
                .param("id", device.id())
                .param("lifecycle", device.lifecycle().name())
                .param("serial", device.certificateSerial())
                .param("notAfter", KeysetQuery.timestamp(device.certificateNotAfter()))
                .param("version", device.version())
                .param("updatedAt", KeysetQuery.timestamp(device.updatedAt()))
                .param("updatedBy", device.updatedBy())
                .param("expectedVersion", expectedVersion)
                .update() == 1;
    }

    /**
     * Applies connectivity changes in one statement: per device the latest event of the batch, only
     * where it is newer than what is stored and the device belongs to the event's customer. Rows
     * are locked in id order first, so two replicas applying overlapping batches cannot deadlock.
     * @return how many devices changed
     */
    int updateConnectivity(List<DeviceRequests.ConnectivityEvent> events) {
        return jdbc.sql("""
                WITH e AS (
                    SELECT DISTINCT ON (x.id) x.id, x.customer_id, x.online, x.at
                    FROM unnest(CAST(:ids AS uuid[]), CAST(:customers AS uuid[]), CAST(:online AS boolean[]),
                                CAST(:ats AS timestamptz[])) AS x(id, customer_id, online, at)
                    ORDER BY x.id, x.at DESC
                ), locked AS (
                    SELECT d.id FROM device d JOIN e ON e.id = d.id AND e.customer_id = d.customer_id
                    ORDER BY d.id FOR UPDATE OF d
                )
                UPDATE device d
                SET connectivity = CASE WHEN e.online THEN 'ONLINE' ELSE 'OFFLINE' END, connectivity_since = e.at
                FROM e JOIN locked l ON l.id = e.id
                WHERE d.id = e.id AND (d.connectivity_since IS NULL OR d.connectivity_since < e.at)
                """)
                .param("ids", events.stream().map(event -> event.deviceId().toString()).toArray(String[]::new))
                .param("customers", events.stream().map(event -> event.customerId().toString())
                        .toArray(String[]::new))
                .param("online", events.stream().map(DeviceRequests.ConnectivityEvent::online)
                        .toArray(Boolean[]::new))
                .param("ats", events.stream().map(event -> event.at().toString()).toArray(String[]::new))
                .update();
    }

    /** @return whether the release exists and belongs to the customer */
    boolean releaseBelongsTo(UUID releaseId, UUID customerId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM release WHERE id = :id AND customer_id = :customerId)")
                .param("id", releaseId).param("customerId", customerId).query(Boolean.class).single();
    }

    /**
     * Whether a second person approved a release for an environment: an approved promotion (or
     * rollback) into it exists, or it is the environment's current pin (which only an approval sets
     * for STAGING and PRODUCTION).
     * @return whether the release may run on the customer's devices in that environment
     */
    boolean releaseApprovedFor(UUID releaseId, UUID customerId, Environment environment) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM promotion WHERE customer_id = :customerId
                               AND target_environment = :environment AND release_id = :releaseId
                               AND status = 'APPROVED')
                    OR EXISTS (SELECT 1 FROM environment_pin WHERE customer_id = :customerId
                               AND environment = :environment AND release_id = :releaseId)
                """)
                .param("releaseId", releaseId).param("customerId", customerId)
                .param("environment", environment.name()).query(Boolean.class).single();
    }

    Optional<Device> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM device WHERE id = :id").param("id", id).query(this::map)
                .optional();
    }

    Optional<Device> findForUpdate(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM device WHERE id = :id FOR UPDATE").param("id", id)
                .query(this::map).optional();
    }

    /** @return whether the device still had {@code expectedVersion} and was updated */
    boolean updateState(Device device, long expectedVersion) {
        return jdbc.sql("""
                UPDATE device SET environment = :environment, lifecycle = :lifecycle,
                                  release_override_id = :releaseOverride, version = :version,
                                  updated_at = :updatedAt, updated_by = :updatedBy
                WHERE id = :id AND version = :expectedVersion
                """)
                .param("id", device.id())
                .param("environment", device.environment().name())
                .param("lifecycle", device.lifecycle().name())
                .param("releaseOverride", device.releaseOverrideId())
                .param("version", device.version())
                .param("updatedAt", KeysetQuery.timestamp(device.updatedAt()))
                .param("updatedBy", device.updatedBy())
                .param("expectedVersion", expectedVersion)
                .update() == 1;
    }

    List<Device> page(Filter filter, KeysetQuery order, Map<String, Object> after, int limit) {
        SqlQuery query = listQuery(filter, order, after, limit, json);
        return jdbc.sql(query.sql()).params(query.params()).query(this::map).list();
    }

    /**
     * The one query that reads a page of devices: filters, then {@code (sort column, id)} after the
     * cursor, in sort order, one row more than the page so the caller knows whether there is a next.
     */
    static SqlQuery listQuery(Filter filter, KeysetQuery order, Map<String, Object> after, int limit,
            JsonMapper json) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM device WHERE TRUE");
        Map<String, Object> params = new HashMap<>();
        if (filter.customerId() != null) {
            sql.append(" AND customer_id = :customerId");
            params.put("customerId", filter.customerId());
        }
        if (filter.environment() != null) {
            sql.append(" AND environment = :environment");
            params.put("environment", filter.environment().name());
        }
        if (filter.lifecycle() != null) {
            sql.append(" AND lifecycle = :lifecycle");
            params.put("lifecycle", filter.lifecycle().name());
        }
        else {
            sql.append(" AND lifecycle <> 'DECOMMISSIONED'");
        }
        if (filter.connectivity() != null) {
            sql.append(" AND connectivity = :connectivity");
            params.put("connectivity", filter.connectivity().name());
        }
        if (filter.machineId() != null) {
            sql.append(" AND machine_id = :machineId");
            params.put("machineId", filter.machineId());
        }
        if (filter.text() != null && !filter.text().isBlank()) {
            sql.append(" AND name ILIKE :text");
            params.put("text", Labels.containsPattern(filter.text()));
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

    private Device map(ResultSet row, int index) throws SQLException {
        String connectivity = row.getString("connectivity");
        return new Device(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getString("name"), Environment.valueOf(row.getString("environment")),
                row.getObject("machine_id", UUID.class), json.readValue(row.getString("labels"), LABELS),
                Lifecycle.valueOf(row.getString("lifecycle")), row.getString("certificate_serial"),
                instant(row, "certificate_not_after"), row.getString("agent_version"), row.getString("os_version"),
                Connectivity.valueOf(connectivity), instant(row, "connectivity_since"),
                row.getObject("release_override_id", UUID.class), row.getLong("version"),
                instant(row, "created_at"), row.getString("created_by"), instant(row, "updated_at"),
                row.getString("updated_by"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
