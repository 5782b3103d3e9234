package dev.edp.devicemanagement.rollout;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.edp.devicemanagement.device.Environment;
import dev.edp.platform.audit.Stamp;
import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.platform.web.KeysetSorts;
import dev.edp.platform.web.Where;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Rollouts, their groups and devices, in plain SQL: set-based statements, never a query
 * per device.
 */
@Repository
class RolloutRepository {

    /** Newest first. */
    static final KeysetSorts<Rollout> ORDER = KeysetSorts.of(Rollout::id, "-createdAt")
        .timestamp("createdAt", "created_at", rollout -> rollout.stamp().createdAt());

    /**
     * A rollout with its release's name; a subquery so list filters name plain columns.
     */
    private static final String SELECT = """
            SELECT * FROM (SELECT r.*, rel.name AS release_name FROM rollout r JOIN release rel ON rel.id = r.release_id) x
            """;

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    /**
     * Targets: ACTIVE devices of the customer's environment matching the selector. Their
     * order: ONLINE first, then a hash of (rollout id, device id), then the id.
     */
    private static final String TARGETS = """
            FROM device d
            WHERE d.customer_id = :customerId AND d.environment = :environment AND d.lifecycle = 'ACTIVE'
              AND d.labels @> CAST(:labels AS jsonb)
              AND (CAST(:machineId AS uuid) IS NULL OR d.machine_id = CAST(:machineId AS uuid))
            """;

    private static final String TARGET_ORDER = """
            ORDER BY (d.connectivity = 'ONLINE') DESC, md5(CAST(:rolloutId AS text) || CAST(d.id AS text)), d.id
            """;

    private final JdbcClient jdbc;

    private final JsonMapper json;

    RolloutRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    // --- releases, pins, machines (of other features, read here by SQL)

    /**
     * @return the release's customer, if it exists
     */
    Optional<UUID> releaseCustomer(UUID releaseId) {
        return jdbc.sql("SELECT customer_id FROM release WHERE id = :id")
            .param("id", releaseId)
            .query(UUID.class)
            .optional();
    }

    /**
     * @return whether any device of the customer is on that machine
     */
    boolean hasMachine(UUID customerId, UUID machineId) {
        return jdbc
            .sql("SELECT EXISTS (SELECT 1 FROM device WHERE customer_id = :customerId AND machine_id = :machine)")
            .param("customerId", customerId)
            .param("machine", machineId)
            .query(Boolean.class)
            .single();
    }

    /**
     * @return the environment's pinned release, its row locked, if any
     */
    Optional<UUID> lockPin(UUID customerId, Environment environment) {
        return jdbc.sql("""
                SELECT release_id FROM environment_pin WHERE customer_id = :customerId AND environment = :environment
                FOR UPDATE
                """)
            .param("customerId", customerId)
            .param("environment", environment.name())
            .query(UUID.class)
            .optional();
    }

    /**
     * @return the environment's pin as the audit trail shows it, or null
     */
    Map<String, Object> pinRecord(UUID customerId, Environment environment) {
        return jdbc.sql("""
                SELECT p.customer_id, p.environment, p.release_id, r.name AS release_name, p.revision, p.pinned_at,
                       p.pinned_by
                FROM environment_pin p JOIN release r ON r.id = p.release_id
                WHERE p.customer_id = :customerId AND p.environment = :environment
                """).param("customerId", customerId).param("environment", environment.name()).query((row, index) -> {
            Map<String, Object> pin = new LinkedHashMap<>();
            pin.put("customerId", row.getObject("customer_id", UUID.class));
            pin.put("environment", row.getString("environment"));
            pin.put("releaseId", row.getObject("release_id", UUID.class));
            pin.put("releaseName", row.getString("release_name"));
            pin.put("revision", row.getLong("revision"));
            pin.put("pinnedAt", instant(row, "pinned_at"));
            pin.put("pinnedBy", row.getString("pinned_by"));
            return pin;
        }).optional().orElse(null);
    }

    /**
     * @return whether the environment has a RUNNING, WAITING or PAUSED rollout
     */
    boolean inProgress(UUID customerId, Environment environment) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM rollout WHERE customer_id = :customerId AND environment = :environment
                               AND status IN ('RUNNING', 'WAITING', 'PAUSED'))
                """)
            .param("customerId", customerId)
            .param("environment", environment.name())
            .query(Boolean.class)
            .single();
    }

    // --- targets

    /** Matching devices: targets and those left out for a release override. */
    record Matching(int targets, int excluded) {
    }

    Matching matching(UUID customerId, Environment environment, Plans.Valid plan) {
        return targetParams(jdbc.sql("""
                SELECT count(*) FILTER (WHERE d.release_override_id IS NULL) AS targets,
                       count(*) FILTER (WHERE d.release_override_id IS NOT NULL) AS excluded
                """ + TARGETS), customerId, environment, plan)
            .query((row, index) -> new Matching(row.getInt("targets"), row.getInt("excluded")))
            .single();
    }

    /**
     * @return up to 10 devices from the start of each group, in rollout order
     */
    List<Map.Entry<Integer, Rollout.Sample>> sample(UUID customerId, Environment environment, Plans.Valid plan,
            int[] sizes) {
        List<Integer> positions = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        int start = 0;
        for (int group = 0; group < sizes.length; group++) {
            for (int i = 0; i < Math.min(10, sizes[group]); i++) {
                positions.add(start + i);
                groups.add(group);
            }
            start += sizes[group];
        }
        if (positions.isEmpty()) {
            return List.of();
        }
        Map<Integer, Integer> groupOf = new HashMap<>();
        for (int i = 0; i < positions.size(); i++) {
            groupOf.put(positions.get(i), groups.get(i));
        }
        return targetParams(jdbc.sql("""
                SELECT id, name, connectivity, position FROM (
                    SELECT d.id, d.name, d.connectivity, row_number() OVER (%s) - 1 AS position
                    %s AND d.release_override_id IS NULL) t
                WHERE position = ANY(:positions) ORDER BY position
                """.formatted(TARGET_ORDER, TARGETS)), customerId, environment, plan).param("rolloutId", new UUID(0, 0))
            .param("positions", positions.toArray(Integer[]::new))
            .query((row, index) -> Map.entry(groupOf.get(row.getInt("position")),
                    new Rollout.Sample(row.getObject("id", UUID.class), row.getString("name"),
                            row.getString("connectivity"))))
            .list();
    }

    private JdbcClient.StatementSpec targetParams(JdbcClient.StatementSpec statement, UUID customerId,
            Environment environment, Plans.Valid plan) {
        return statement.param("customerId", customerId)
            .param("environment", environment.name())
            .param("labels", json.writeValueAsString(plan.labels()))
            .param("machineId", plan.machineId());
    }

    // --- writes

    void insert(Rollout rollout, Plans.Valid plan) {
        jdbc.sql("""
                INSERT INTO rollout (id, customer_id, release_id, previous_release_id, environment, selector, advance,
                                     success_threshold, error_threshold, group_timeout, status, promotion_id,
                                     rollback_of, total, excluded, version, created_at, created_by, updated_at,
                                     updated_by)
                VALUES (:id, :customerId, :releaseId, :previous, :environment, CAST(:selector AS jsonb), :advance,
                        :success, :error, :timeout, :status, :promotionId, :rollbackOf, 0, :excluded, :version,
                        :createdAt, :createdBy, :updatedAt, :updatedBy)
                """)
            .param("id", rollout.id())
            .param("customerId", rollout.customerId())
            .param("releaseId", rollout.releaseId())
            .param("previous", rollout.previousReleaseId())
            .param("environment", rollout.environment().name())
            .param("selector", json.writeValueAsString(rollout.selector()))
            .param("advance", rollout.advance())
            .param("success", rollout.successThreshold())
            .param("error", rollout.errorThreshold())
            .param("timeout", rollout.groupTimeout())
            .param("status", rollout.status().name())
            .param("promotionId", rollout.promotionId())
            .param("rollbackOf", rollout.rollbackOf())
            .param("excluded", rollout.excluded())
            .params(rollout.stamp().params())
            .update();
        List<Plans.GroupPlan> groups = plan.groups();
        jdbc.sql("""
                INSERT INTO rollout_group (rollout_id, group_index, size, planned_size, success_threshold,
                                           error_threshold, timeout, timeout_seconds, status)
                SELECT :id, g.i - 1, g.size, 0, g.success, g.error, g.timeout, g.seconds, 'PENDING'
                FROM unnest(CAST(:sizes AS text[]), CAST(:successes AS int[]), CAST(:errors AS int[]),
                            CAST(:timeouts AS text[]), CAST(:seconds AS bigint[]))
                     WITH ORDINALITY AS g(size, success, error, timeout, seconds, i)
                """)
            .param("id", rollout.id())
            .param("sizes", groups.stream().map(Plans.GroupPlan::size).toArray(String[]::new))
            .param("successes", groups.stream().map(Plans.GroupPlan::successThreshold).toArray(Integer[]::new))
            .param("errors", groups.stream().map(Plans.GroupPlan::errorThreshold).toArray(Integer[]::new))
            .param("timeouts", groups.stream().map(Plans.GroupPlan::timeout).toArray(String[]::new))
            .param("seconds", groups.stream().map(Plans.GroupPlan::timeoutSeconds).toArray(Long[]::new))
            .update();
    }

    /**
     * Fixes the targets (one {@code INSERT … SELECT}): the matching devices without a
     * release override, or for a rollback the original's delivered devices still in the
     * environment, each PENDING with its position in rollout order.
     * @return how many
     */
    int insertTargets(UUID rolloutId, UUID customerId, Environment environment, Plans.Valid plan, UUID rollbackOf,
            Instant now) {
        String rollback = rollbackOf == null ? ""
                : " AND d.id IN (SELECT device_id FROM rollout_device WHERE rollout_id = :rollbackOf"
                        + " AND delivered_at IS NOT NULL)";
        int inserted = targetParams(jdbc.sql("""
                INSERT INTO rollout_device (rollout_id, device_id, group_index, position, status, updated_at)
                SELECT :rolloutId, d.id, 0, row_number() OVER (%s) - 1, 'PENDING', :now
                %s AND d.release_override_id IS NULL%s
                """.formatted(TARGET_ORDER, TARGETS, rollback)), customerId, environment, plan)
            .param("rolloutId", rolloutId)
            .param("now", KeysetQuery.timestamp(now))
            .params(rollbackOf == null ? Map.of() : Map.of("rollbackOf", rollbackOf))
            .update();
        // Before anything looks a device's row up (the history's foreign-key checks right
        // below are the first), see analyze().
        analyze();
        jdbc.sql("""
                INSERT INTO rollout_device_event (rollout_id, device_id, status, at)
                SELECT rollout_id, device_id, status, updated_at FROM rollout_device WHERE rollout_id = :rolloutId
                """).param("rolloutId", rolloutId).update();
        return inserted;
    }

    /**
     * @return matching devices with an override among the original's delivered devices (a
     * rollback's excluded)
     */
    int excludedOfRollback(UUID customerId, Environment environment, UUID rollbackOf) {
        return jdbc
            .sql("""
                    SELECT count(*) FROM device d JOIN rollout_device rd ON rd.device_id = d.id AND rd.rollout_id = :original
                    WHERE d.customer_id = :customerId AND d.environment = :environment AND d.lifecycle = 'ACTIVE'
                      AND rd.delivered_at IS NOT NULL AND d.release_override_id IS NOT NULL
                    """)
            .param("original", rollbackOf)
            .param("customerId", customerId)
            .param("environment", environment.name())
            .query(Integer.class)
            .single();
    }

    /**
     * Splits the targets into groups by position (one UPDATE) and records the planned
     * sizes and the total.
     */
    void assignGroups(UUID rolloutId, int[] sizes) {
        int total = 0;
        Integer[] bounds = new Integer[sizes.length - 1];
        for (int i = 0; i < sizes.length; i++) {
            total += sizes[i];
            if (i < bounds.length) {
                bounds[i] = total;
            }
        }
        if (bounds.length > 0) {
            // A device's group: how many group ends lie at or before its position.
            jdbc.sql("""
                    UPDATE rollout_device SET group_index =
                        (SELECT count(*) FROM unnest(CAST(:bounds AS int[])) AS b(bound) WHERE position >= b.bound)
                    WHERE rollout_id = :rolloutId
                    """).param("rolloutId", rolloutId).param("bounds", bounds).update();
        }
        Integer[] planned = new Integer[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            planned[i] = sizes[i];
        }
        jdbc.sql("""
                UPDATE rollout_group g SET planned_size = p.size
                FROM unnest(CAST(:sizes AS int[])) WITH ORDINALITY AS p(size, i)
                WHERE g.rollout_id = :rolloutId AND g.group_index = p.i - 1
                """).param("rolloutId", rolloutId).param("sizes", planned).update();
        jdbc.sql("UPDATE rollout SET total = :total WHERE id = :rolloutId")
            .param("rolloutId", rolloutId)
            .param("total", total)
            .update();
    }

    /**
     * Refreshes the planner's statistics of {@code rollout_device} in the transaction
     * that wrote a rollout's rows, right after their INSERT (ANALYZE counts the
     * transaction's own rows; this transaction plans with the new statistics at once, the
     * others from its commit; group and status are then those of the insert, which the
     * statements by device do not depend on). Without it, every statement of the next
     * minute or so (until autovacuum analyzed) planned with no statistics, or with
     * statistics that do not know the new rollout id, took {@code rollout_id = ?} for
     * selective and read a device's row through {@code rollout_device_group_idx}: the
     * report's UPDATE fetched the whole started group per report (1,001 index tuples for
     * a 1,000-device group; ~1,000 per device over the 1,000-device benchmark).
     */
    void analyze() {
        jdbc.sql("ANALYZE rollout_device").update();
    }

    /**
     * Starts a PENDING group: ACTIVE with its deadline, its devices ASSIGNED (+ history),
     * the rollout's active group. Guarded: a group is started once, whoever tries.
     * @return whether this call started it
     */
    boolean startGroup(UUID rolloutId, int index, Instant now) {
        int started = jdbc.sql("""
                UPDATE rollout_group SET status = 'ACTIVE', started_at = :now,
                                         deadline_at = :now + timeout_seconds * INTERVAL '1 second'
                WHERE rollout_id = :rolloutId AND group_index = :index AND status = 'PENDING'
                """)
            .param("rolloutId", rolloutId)
            .param("index", index)
            .param("now", KeysetQuery.timestamp(now))
            .update();
        if (started == 0) {
            return false;
        }
        jdbc.sql("""
                WITH assigned AS (
                    UPDATE rollout_device SET status = 'ASSIGNED', updated_at = :now
                    WHERE rollout_id = :rolloutId AND group_index = :index AND status = 'PENDING'
                    RETURNING rollout_id, device_id)
                INSERT INTO rollout_device_event (rollout_id, device_id, status, at)
                SELECT rollout_id, device_id, 'ASSIGNED', :now FROM assigned
                """)
            .param("rolloutId", rolloutId)
            .param("index", index)
            .param("now", KeysetQuery.timestamp(now))
            .update();
        jdbc.sql("UPDATE rollout SET active_group = :index WHERE id = :rolloutId")
            .param("rolloutId", rolloutId)
            .param("index", index)
            .update();
        return true;
    }

    /**
     * Decides an ACTIVE group (SUCCEEDED or FAILED). Guarded on ACTIVE.
     * @return whether this call decided it
     */
    boolean finishGroup(UUID rolloutId, int index, String status, Instant now) {
        return jdbc.sql("""
                UPDATE rollout_group SET status = :status, finished_at = :now
                WHERE rollout_id = :rolloutId AND group_index = :index AND status = 'ACTIVE'
                """)
            .param("rolloutId", rolloutId)
            .param("index", index)
            .param("status", status)
            .param("now", KeysetQuery.timestamp(now))
            .update() == 1;
    }

    /**
     * A resumed group is active again, its timeout counted from now.
     * @return whether the group was ACTIVE or FAILED (a SUCCEEDED one stays)
     */
    boolean reopenGroup(UUID rolloutId, int index, Instant now) {
        return jdbc.sql("""
                UPDATE rollout_group SET status = 'ACTIVE', finished_at = NULL,
                                         deadline_at = :now + timeout_seconds * INTERVAL '1 second'
                WHERE rollout_id = :rolloutId AND group_index = :index AND status IN ('ACTIVE', 'FAILED')
                """)
            .param("rolloutId", rolloutId)
            .param("index", index)
            .param("now", KeysetQuery.timestamp(now))
            .update() == 1;
    }

    /**
     * Moves a rollout from one status to another, only if it is in the expected one.
     * @return whether it moved
     */
    boolean transition(UUID id, RolloutStatus from, RolloutStatus to, String pauseReason, Instant now, String by) {
        return jdbc.sql("""
                UPDATE rollout SET status = :to, pause_reason = COALESCE(:reason, pause_reason),
                                   version = version + 1, updated_at = :now, updated_by = :by
                WHERE id = :id AND status = :from
                """)
            .param("id", id)
            .param("from", from.name())
            .param("to", to.name())
            .param("reason", pauseReason)
            .param("now", KeysetQuery.timestamp(now))
            .param("by", by)
            .update() == 1;
    }

    /** Records that the promotion started this rollout. */
    void linkPromotion(UUID promotionId, UUID rolloutId) {
        jdbc.sql("UPDATE promotion SET rollout_id = :rolloutId WHERE id = :id")
            .param("id", promotionId)
            .param("rolloutId", rolloutId)
            .update();
    }

    // --- the scheduler

    /**
     * Times out the undecided devices of active groups of running rollouts whose deadline
     * passed, with their history, in one statement. Rows another pass holds are skipped
     * (it times them out), so two passes never wait on each other.
     * @return how many timed out
     */
    int timeOut(Instant now) {
        return jdbc.sql("""
                WITH due AS (
                    SELECT rd.rollout_id, rd.device_id FROM rollout_device rd
                    JOIN rollout_group g ON g.rollout_id = rd.rollout_id AND g.group_index = rd.group_index
                    JOIN rollout r ON r.id = rd.rollout_id
                    WHERE r.status = 'RUNNING' AND g.status = 'ACTIVE' AND g.deadline_at <= :now
                      AND rd.status IN ('ASSIGNED', 'RECONCILING')
                    FOR UPDATE OF rd SKIP LOCKED),
                timed AS (
                    UPDATE rollout_device rd SET status = 'TIMED_OUT', reason = :reason, updated_at = :now
                    FROM due WHERE rd.rollout_id = due.rollout_id AND rd.device_id = due.device_id
                    RETURNING rd.rollout_id, rd.device_id)
                INSERT INTO rollout_device_event (rollout_id, device_id, status, reason, at)
                SELECT rollout_id, device_id, 'TIMED_OUT', :reason, :now FROM timed
                """)
            .param("now", KeysetQuery.timestamp(now))
            .param("reason", "Not ready within the group's timeout.")
            .update();
    }

    /**
     * The active group of a running rollout, counted.
     *
     * @param rolloutId the rollout
     * @param customerId its customer
     * @param group the group's index
     * @param lastGroup the rollout's last group's index
     * @param advance AUTO or MANUAL
     * @param successThreshold the group's
     * @param errorThreshold the group's
     * @param counts its devices by status
     */
    record Active(UUID rolloutId, UUID customerId, int group, int lastGroup, String advance, int successThreshold,
            int errorThreshold, Rollout.Counts counts) {
    }

    /**
     * @return every running rollout's active group with its counts (one GROUP BY)
     */
    List<Active> activeGroups() {
        Map<String, Active> active = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT r.id, r.customer_id, g.group_index, r.advance, g.success_threshold, g.error_threshold,
                       (SELECT max(group_index) FROM rollout_group WHERE rollout_id = r.id) AS last_group,
                       rd.status AS device_status, count(rd.device_id) AS devices
                FROM rollout r
                JOIN rollout_group g ON g.rollout_id = r.id AND g.status = 'ACTIVE'
                LEFT JOIN rollout_device rd ON rd.rollout_id = g.rollout_id AND rd.group_index = g.group_index
                WHERE r.status = 'RUNNING'
                GROUP BY r.id, r.customer_id, g.group_index, r.advance, g.success_threshold, g.error_threshold,
                         rd.status
                """).query((ResultSet row) -> {
            UUID id = row.getObject("id", UUID.class);
            int group = row.getInt("group_index");
            Active current = active.computeIfAbsent(id + "/" + group, key -> {
                try {
                    return new Active(id, row.getObject("customer_id", UUID.class), group, row.getInt("last_group"),
                            row.getString("advance"), row.getInt("success_threshold"), row.getInt("error_threshold"),
                            Rollout.Counts.NONE);
                }
                catch (SQLException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            String status = row.getString("device_status");
            if (status != null) {
                active.put(id + "/" + group,
                        new Active(current.rolloutId(), current.customerId(), current.group(), current.lastGroup(),
                                current.advance(), current.successThreshold(), current.errorThreshold(),
                                current.counts().plus(RolloutDeviceStatus.valueOf(status), row.getLong("devices"))));
            }
        });
        return List.copyOf(active.values());
    }

    /** A rollout's row as a transition needs it, locked. */
    record Locked(UUID id, UUID customerId, RolloutStatus status, Integer activeGroup, int lastGroup, String advance) {
    }

    Optional<Locked> lock(UUID id) {
        return jdbc.sql("""
                SELECT r.id, r.customer_id, r.status, r.active_group, r.advance,
                       (SELECT max(group_index) FROM rollout_group WHERE rollout_id = r.id) AS last_group
                FROM rollout r WHERE r.id = :id FOR UPDATE OF r
                """)
            .param("id", id)
            .query((row, index) -> new Locked(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                    RolloutStatus.valueOf(row.getString("status")), (Integer) row.getObject("active_group"),
                    row.getInt("last_group"), row.getString("advance")))
            .optional();
    }

    /**
     * @return the number of devices in the group
     */
    int groupSize(UUID rolloutId, int index) {
        return jdbc.sql("SELECT planned_size FROM rollout_group WHERE rollout_id = :id AND group_index = :index")
            .param("id", rolloutId)
            .param("index", index)
            .query(Integer.class)
            .single();
    }

    // --- reads

    Optional<Rollout> find(UUID id) {
        return jdbc.sql(SELECT + " WHERE id = :id")
            .param("id", id)
            .query(this::rollout)
            .optional()
            .map(rollout -> withGroups(List.of(rollout)).getFirst());
    }

    KeysetPage<Rollout> page(Keyset<Rollout> keyset, UUID scope, Environment environment, RolloutStatus status) {
        List<Rollout> rows = new Where().equal("customer_id", scope)
            .equal("environment", environment)
            .equal("status", status)
            .page(SELECT, keyset)
            .on(jdbc)
            .query(this::rollout)
            .list();
        return keyset.page(withGroups(rows));
    }

    /**
     * The groups and their counts of these rollouts: two queries, whatever their number.
     */
    private List<Rollout> withGroups(List<Rollout> rollouts) {
        if (rollouts.isEmpty()) {
            return rollouts;
        }
        UUID[] ids = rollouts.stream().map(Rollout::id).toArray(UUID[]::new);
        Map<String, Rollout.Counts> counts = new HashMap<>();
        jdbc.sql("""
                SELECT rollout_id, group_index, status, count(*) AS devices FROM rollout_device
                WHERE rollout_id = ANY(:ids) GROUP BY rollout_id, group_index, status
                """).param("ids", ids).query((ResultSet row) -> {
            String key = row.getObject("rollout_id", UUID.class) + "/" + row.getInt("group_index");
            counts.put(key, counts.getOrDefault(key, Rollout.Counts.NONE)
                .plus(RolloutDeviceStatus.valueOf(row.getString("status")), row.getLong("devices")));
        });
        Map<UUID, List<Rollout.Group>> groups = new HashMap<>();
        jdbc.sql("SELECT * FROM rollout_group WHERE rollout_id = ANY(:ids) ORDER BY rollout_id, group_index")
            .param("ids", ids)
            .query((ResultSet row) -> {
                UUID rolloutId = row.getObject("rollout_id", UUID.class);
                int index = row.getInt("group_index");
                groups.computeIfAbsent(rolloutId, key -> new ArrayList<>())
                    .add(new Rollout.Group(index, row.getString("size"), row.getInt("planned_size"),
                            row.getInt("success_threshold"), row.getInt("error_threshold"), row.getString("timeout"),
                            row.getString("status"), instant(row, "started_at"), instant(row, "finished_at"),
                            counts.getOrDefault(rolloutId + "/" + index, Rollout.Counts.NONE)));
            });
        return rollouts.stream()
            .map(rollout -> rollout.withGroups(groups.getOrDefault(rollout.id(), List.of())))
            .toList();
    }

    /**
     * @return a page of the rollout's devices in device id order
     */
    List<Rollout.Device> devices(UUID rolloutId, Integer group, RolloutDeviceStatus status, UUID afterId, int limit) {
        return new Where().equal("rd.rollout_id", rolloutId)
            .equal("rd.group_index", group)
            .equal("rd.status", status)
            .greaterThan("rd.device_id", afterId)
            .page("SELECT rd.*, d.name FROM rollout_device rd JOIN device d ON d.id = rd.device_id", "rd.device_id",
                    limit)
            .on(jdbc)
            .query((row, index) -> new Rollout.Device(row.getObject("device_id", UUID.class), row.getString("name"),
                    row.getInt("group_index"), RolloutDeviceStatus.valueOf(row.getString("status")),
                    row.getString("reason"), instant(row, "delivered_at"), instant(row, "updated_at")))
            .list();
    }

    /**
     * @return whether the device is one of the rollout's
     */
    boolean hasDevice(UUID rolloutId, UUID deviceId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM rollout_device WHERE rollout_id = :id AND device_id = :device)")
            .param("id", rolloutId)
            .param("device", deviceId)
            .query(Boolean.class)
            .single();
    }

    List<Rollout.Event> events(UUID rolloutId, UUID deviceId) {
        return jdbc.sql("""
                SELECT status, reason, at FROM rollout_device_event WHERE rollout_id = :id AND device_id = :device
                ORDER BY id
                """)
            .param("id", rolloutId)
            .param("device", deviceId)
            .query((row, index) -> new Rollout.Event(RolloutDeviceStatus.valueOf(row.getString("status")),
                    row.getString("reason"), instant(row, "at")))
            .list();
    }

    // --- mapping

    private Rollout rollout(ResultSet row, int index) throws SQLException {
        return new Rollout(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getObject("release_id", UUID.class), row.getString("release_name"),
                row.getObject("previous_release_id", UUID.class), Environment.valueOf(row.getString("environment")),
                json.readValue(row.getString("selector"), OBJECT), row.getString("advance"),
                row.getInt("success_threshold"), row.getInt("error_threshold"), row.getString("group_timeout"),
                RolloutStatus.valueOf(row.getString("status")), row.getString("pause_reason"),
                row.getObject("promotion_id", UUID.class), row.getObject("rollback_of", UUID.class),
                row.getInt("total"), row.getInt("excluded"), (Integer) row.getObject("active_group"), List.of(),
                Stamp.read(row));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

}
