package dev.edp.devicemanagement.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.platform.audit.Stamp;
import dev.edp.platform.jdbc.RowsByKey;
import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.platform.web.KeysetSorts;
import dev.edp.platform.web.SqlQuery;
import dev.edp.platform.web.Where;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class DeviceRepository {

    static final KeysetSorts<Device> SORTS = KeysetSorts.of(Device::id, "name")
        .text("name", "name", Device::name)
        .timestamp("createdAt", "created_at", device -> device.stamp().createdAt());

    private static final String COLUMNS = """
            id, customer_id, name, environment, machine_id, labels, lifecycle, certificate_serial,
            certificate_not_after, agent_version, os_version, connectivity, connectivity_since, release_override_id,
            version, created_at, created_by, updated_at, updated_by""";

    private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;

    private final JsonMapper json;

    private final RowsByKey<Device> byId;

    DeviceRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.byId = new RowsByKey<>(jdbc, "device", COLUMNS, "id", this::map);
        this.json = json;
    }

    /** Inserts a new device; its id is a fresh random UUID, so it cannot clash. */
    void insert(Device device) {
        insert(device, "");
    }

    /**
     * Registers a device unless one with its id exists (two replicas may race to create
     * it).
     * @return whether it was inserted
     */
    boolean insertIfAbsent(Device device) {
        return insert(device, "ON CONFLICT (id) DO NOTHING") == 1;
    }

    private int insert(Device device, String onConflict) {
        return jdbc.sql("""
                INSERT INTO device (id, customer_id, name, environment, machine_id, labels, lifecycle,
                                    certificate_serial, certificate_not_after, connectivity, version, created_at,
                                    created_by, updated_at, updated_by)
                VALUES (:id, :customerId, :name, :environment, :machineId, CAST(:labels AS jsonb), :lifecycle,
                        :serial, :notAfter, :connectivity, :version, :createdAt, :createdBy, :updatedAt, :updatedBy)
                """ + onConflict)
            .param("id", device.id())
            .param("customerId", device.customerId())
            .param("name", device.name())
            .param("environment", device.environment().name())
            .param("machineId", device.machineId())
            .param("labels", json.writeValueAsString(device.labels()))
            .param("lifecycle", device.lifecycle().name())
            .param("serial", device.certificate().serial())
            .param("notAfter", KeysetQuery.timestamp(device.certificate().notAfter()))
            .param("connectivity", device.connectivity().name())
            .params(device.stamp().params())
            .update();
    }

    /**
     * Applies connectivity changes in one statement: per device the latest event of the
     * batch, only where it is newer than what is stored and the device belongs to the
     * event's customer. Rows are locked in id order first, so two replicas applying
     * overlapping batches cannot deadlock.
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
            .param("customers", events.stream().map(event -> event.customerId().toString()).toArray(String[]::new))
            .param("online", events.stream().map(DeviceRequests.ConnectivityEvent::online).toArray(Boolean[]::new))
            .param("ats", events.stream().map(event -> event.at().toString()).toArray(String[]::new))
            .update();
    }

    /**
     * @return whether the release exists and belongs to the customer
     */
    boolean releaseBelongsTo(UUID releaseId, UUID customerId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM release WHERE id = :id AND customer_id = :customerId)")
            .param("id", releaseId)
            .param("customerId", customerId)
            .query(Boolean.class)
            .single();
    }

    /**
     * Whether a second person approved a release for an environment: an approved
     * promotion (or rollback) into it exists, or it is the environment's current pin
     * (which only an approval sets for STAGING and PRODUCTION).
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
            .param("releaseId", releaseId)
            .param("customerId", customerId)
            .param("environment", environment.name())
            .query(Boolean.class)
            .single();
    }

    Optional<Device> find(UUID id) {
        return byId.find(id);
    }

    Optional<Device> findForUpdate(UUID id) {
        return byId.findForUpdate(id);
    }

    /**
     * Stores what operators and enrollment change (environment, lifecycle, release
     * override, certificate) and the stamp, if the device still has the version it was
     * read with; its reports and connectivity are only ever written by their own
     * statements.
     * @return whether it did
     */
    boolean update(Device device, long expectedVersion) {
        return jdbc.sql("""
                UPDATE device SET environment = :environment, lifecycle = :lifecycle,
                                  release_override_id = :releaseOverride, certificate_serial = :serial,
                                  certificate_not_after = :notAfter, version = :version,
                                  updated_at = :updatedAt, updated_by = :updatedBy
                WHERE id = :id AND version = :expectedVersion
                """)
            .param("id", device.id())
            .param("environment", device.environment().name())
            .param("lifecycle", device.lifecycle().name())
            .param("releaseOverride", device.releaseOverrideId())
            .param("serial", device.certificate().serial())
            .param("notAfter", KeysetQuery.timestamp(device.certificate().notAfter()))
            .params(device.stamp().params())
            .param("expectedVersion", expectedVersion)
            .update() == 1;
    }

    /** One page of devices: of one customer ({@code scope}) or all (null), filtered. */
    KeysetPage<Device> page(Keyset<Device> keyset, UUID scope, DeviceFilter filter) {
        return keyset.page(listQuery(keyset, scope, filter).on(jdbc).query(this::map).list());
    }

    /**
     * The one query that reads a page of devices; decommissioned ones only when asked for
     * by lifecycle. The indexes {@code (customer_id, name, id)} and
     * {@code (customer_id, created_at, id)} serve it (see
     * {@code DeviceListExplainIntegrationTests}).
     */
    static SqlQuery listQuery(Keyset<Device> keyset, UUID scope, DeviceFilter filter) {
        Where where = new Where().equal("customer_id", scope).equal("environment", filter.environment());
        if (filter.lifecycle() == null) {
            where.condition("lifecycle <> 'DECOMMISSIONED'");
        }
        return where.equal("lifecycle", filter.lifecycle())
            .equal("connectivity", filter.connectivity())
            .equal("machine_id", filter.machineId())
            .containsText(filter.text(), "name")
            .containsAll("labels", filter.labels())
            .page("SELECT " + COLUMNS + " FROM device", keyset);
    }

    private Device map(ResultSet row, int index) throws SQLException {
        String connectivity = row.getString("connectivity");
        return new Device(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getString("name"), Environment.valueOf(row.getString("environment")),
                row.getObject("machine_id", UUID.class), json.readValue(row.getString("labels"), LABELS),
                Lifecycle.valueOf(row.getString("lifecycle")),
                new Device.Certificate(row.getString("certificate_serial"), instant(row, "certificate_not_after")),
                row.getString("agent_version"), row.getString("os_version"), Connectivity.valueOf(connectivity),
                instant(row, "connectivity_since"), row.getObject("release_override_id", UUID.class), Stamp.read(row));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

}
