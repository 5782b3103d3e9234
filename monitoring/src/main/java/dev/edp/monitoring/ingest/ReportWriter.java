package dev.edp.monitoring.ingest;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.edp.monitoring.batch.Isolated;
import dev.edp.monitoring.batch.Rejections;
import dev.edp.monitoring.config.MonitoringProperties;
import dev.edp.monitoring.history.HistoryPartitions;
import dev.edp.monitoring.ingest.ReportBuffer.ContainerReport;
import dev.edp.monitoring.ingest.ReportBuffer.Heartbeat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a flush in one transaction: locks the devices' status rows (in id order, so
 * concurrent flushes of two replicas and the offline sweep never see a half-written
 * state), records a connectivity event for each device that comes (back) online, upserts
 * the latest status, adds one history row per device and history bucket (several after an
 * outage), and replaces reported containers. Every write is a JDBC batch, which the
 * driver sends as multi-row statements ({@code reWriteBatchedInserts}). A report
 * PostgreSQL refuses is dropped alone; the rest of the flush is written.
 */
@Repository
class ReportWriter {

    /*
     * A join with unnest, not "device_id = ANY (?)": with a bound array PostgreSQL
     * compares every scanned row with every element (5,000 devices against a table of
     * 20,000 took 20 s when the planner chose a scan); the join hashes or probes the
     * primary key instead.
     */
    private static final String LOCK = """
            SELECT d.device_id, d.connectivity
            FROM device_status d JOIN unnest(CAST(? AS uuid[])) AS batch(id) ON d.device_id = batch.id
            ORDER BY d.device_id FOR UPDATE OF d""";

    private static final String UPSERT_STATUS = """
            INSERT INTO device_status (device_id, customer_id, connectivity, connectivity_changed_at, last_seen,
                uptime_seconds, agent_version, os_version, cpu_load, memory_used, memory_total, system_disk_used,
                system_disk_total, container_disk_used, container_disk_total, containers_running, containers_total,
                certificate_not_after)
            VALUES (?, ?, 'ONLINE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (device_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, connectivity = 'ONLINE',
                connectivity_changed_at = CASE WHEN device_status.connectivity = 'ONLINE'
                    THEN device_status.connectivity_changed_at ELSE EXCLUDED.connectivity_changed_at END,
                last_seen = EXCLUDED.last_seen, uptime_seconds = EXCLUDED.uptime_seconds,
                agent_version = EXCLUDED.agent_version, os_version = EXCLUDED.os_version,
                cpu_load = EXCLUDED.cpu_load, memory_used = EXCLUDED.memory_used,
                memory_total = EXCLUDED.memory_total, system_disk_used = EXCLUDED.system_disk_used,
                system_disk_total = EXCLUDED.system_disk_total, container_disk_used = EXCLUDED.container_disk_used,
                container_disk_total = EXCLUDED.container_disk_total,
                containers_running = EXCLUDED.containers_running, containers_total = EXCLUDED.containers_total,
                certificate_not_after = coalesce(EXCLUDED.certificate_not_after, device_status.certificate_not_after)
            WHERE device_status.last_seen <= EXCLUDED.last_seen""";

    private static final String INSERT_HISTORY = """
            INSERT INTO heartbeat_history (device_id, customer_id, bucket, received_at, uptime_seconds, cpu_load,
                memory_used, memory_total, system_disk_used, system_disk_total, container_disk_used,
                container_disk_total, containers_running, containers_total)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (device_id, bucket) DO NOTHING""";

    private static final String INSERT_EVENT = """
            INSERT INTO connectivity_event (device_id, customer_id, from_state, to_state, at)
            VALUES (?, ?, ?, 'ONLINE', ?)""";

    /** Devices of the batch that were decommissioned: their reports are dropped. */
    private static final String DECOMMISSIONED = """
            SELECT d.device_id FROM decommissioned_device d JOIN unnest(CAST(? AS uuid[])) AS batch(id)
            ON d.device_id = batch.id""";

    private static final String DELETE_CONTAINERS = """
            DELETE FROM container_status c USING unnest(CAST(? AS uuid[])) AS batch(id)
            WHERE c.device_id = batch.id""";

    private static final String INSERT_CONTAINER = """
            INSERT INTO container_status (device_id, name, customer_id, image, state, message, reported_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)""";

    private final JdbcTemplate jdbc;

    private final TransactionTemplate transactions;

    private final HistoryPartitions partitions;

    private final long resolutionMillis;

    /**
     * The last history bucket written per device (this replica): later heartbeats in it
     * skip the history.
     */
    private final Map<UUID, Long> lastBucket = new ConcurrentHashMap<>();

    private final Counter statusRows;

    private final Counter historyRows;

    private final Counter events;

    private final Rejections rejections;

    ReportWriter(JdbcTemplate jdbc, TransactionTemplate transactions, HistoryPartitions partitions,
            MonitoringProperties properties, Rejections rejections, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.partitions = partitions;
        this.rejections = rejections;
        this.resolutionMillis = properties.historyResolution().toMillis();
        this.statusRows = rows(meters, "device_status");
        this.historyRows = rows(meters, "heartbeat_history");
        this.events = rows(meters, "connectivity_event");
    }

    private static Counter rows(MeterRegistry meters, String table) {
        return Counter.builder("edp.monitoring.rows.written")
            .tag("table", table)
            .description("Rows written by heartbeat flushes")
            .register(meters);
    }

    void forget(UUID deviceId) {
        lastBucket.remove(deviceId);
    }

    /**
     * Writes heartbeats given one per device, each as the device's status and as its
     * history sample.
     * @param allHeartbeats heartbeats, one per device
     * @param allReports container reports, one per device
     */
    void write(List<Heartbeat> allHeartbeats, List<ContainerReport> allReports) {
        write(allHeartbeats, allHeartbeats, allReports);
    }

    /**
     * Writes a flush in one transaction. A row PostgreSQL refuses (a NUL character, a
     * value too long: SQLState class 22 or 23) costs only its own device's reports: the
     * batch is bisected inside savepoints ({@link Isolated}), the rest is written, and
     * the refused reports are dropped, counted and logged. Any other failure is thrown
     * and the caller keeps the whole batch.
     * @param allLatest the latest heartbeat per device (its status row), at most one per
     * device
     * @param allSamples heartbeats for the history, at most one per device and history
     * bucket (a bucket already written by this replica is skipped)
     * @param allReports container reports, one per device
     */
    void write(List<Heartbeat> allLatest, List<Heartbeat> allSamples, List<ContainerReport> allReports) {
        Set<UUID> decommissioned = decommissioned(allLatest, allSamples, allReports);
        Map<UUID, DeviceBeats> byDevice = new TreeMap<>();
        allLatest.stream()
            .filter(beat -> !decommissioned.contains(beat.deviceId()))
            .forEach(beat -> byDevice.computeIfAbsent(beat.deviceId(),
                    id -> new DeviceBeats(id, beat.customerId())).latest = beat);
        allSamples.stream()
            .filter(beat -> !decommissioned.contains(beat.deviceId()))
            .filter(beat -> !Long.valueOf(bucket(beat.receivedAt())).equals(lastBucket.get(beat.deviceId())))
            .forEach(beat -> byDevice.computeIfAbsent(beat.deviceId(),
                    id -> new DeviceBeats(id, beat.customerId())).samples
                .add(beat));
        List<DeviceBeats> beats = List.copyOf(byDevice.values());
        List<ContainerReport> reports = allReports.stream()
            .filter(report -> !decommissioned.contains(report.deviceId()))
            .toList();
        beats.stream()
            .flatMap(device -> device.samples.stream())
            .map(beat -> Instant.ofEpochMilli(bucket(beat.receivedAt())))
            .distinct()
            .forEach(partitions::ensureFor);
        Written written = inTransactionRetryingDeadlocks(status -> {
            Isolated.Outcome<DeviceBeats> heartbeats = new Isolated.Outcome<>(List.of(), List.of());
            int eventCount = 0;
            if (!beats.isEmpty()) {
                Map<UUID, String> current = lock(
                        beats.stream().filter(device -> device.latest != null).map(device -> device.deviceId).toList());
                heartbeats = Isolated.write(status, beats, part -> writeHeartbeats(part, current));
                eventCount = (int) heartbeats.written()
                    .stream()
                    .filter(device -> device.latest != null && !"ONLINE".equals(current.get(device.deviceId)))
                    .count();
            }
            Isolated.Outcome<ContainerReport> containers = reports.isEmpty()
                    ? new Isolated.Outcome<>(List.of(), List.of())
                    : Isolated.write(status, reports, this::writeContainers);
            return new Written(heartbeats, containers, eventCount);
        });
        long history = 0;
        long status = 0;
        for (DeviceBeats device : written.heartbeats().written()) {
            device.samples.stream()
                .mapToLong(beat -> bucket(beat.receivedAt()))
                .max()
                .ifPresent(bucket -> lastBucket.merge(device.deviceId, bucket, Math::max));
            history += device.samples.size();
            status += device.latest == null ? 0 : 1;
        }
        statusRows.increment(status);
        historyRows.increment(history);
        events.increment(written.events());
        written.heartbeats()
            .refused()
            .forEach(refused -> rejections.dropped("heartbeat",
                    subject(refused.row().deviceId, refused.row().customerId), refused));
        written.containers()
            .refused()
            .forEach(refused -> rejections.dropped("container_report",
                    subject(refused.row().deviceId(), refused.row().customerId()), refused));
    }

    /*
     * PostgreSQL resolves a deadlock (this flush against another replica's flush or the
     * offline sweep, whose row order it cannot share) by aborting one transaction: that
     * one is simply run again, at once, instead of failing the flush until the next
     * interval.
     */
    private Written inTransactionRetryingDeadlocks(
            org.springframework.transaction.support.TransactionCallback<Written> work) {
        for (int attempt = 1;; attempt++) {
            try {
                return transactions.execute(work);
            }
            catch (org.springframework.dao.PessimisticLockingFailureException ex) {
                if (attempt == 3) {
                    throw ex;
                }
            }
        }
    }

    /**
     * One device's part of a flush: its status (if it is in this flush) and its history
     * samples.
     */
    private static final class DeviceBeats {

        final UUID deviceId;

        final UUID customerId;

        Heartbeat latest;

        final List<Heartbeat> samples = new ArrayList<>();

        DeviceBeats(UUID deviceId, UUID customerId) {
            this.deviceId = deviceId;
            this.customerId = customerId;
        }

    }

    /** What one flush's transaction wrote and refused. */
    private record Written(Isolated.Outcome<DeviceBeats> heartbeats, Isolated.Outcome<ContainerReport> containers,
            int events) {
    }

    private static String subject(UUID device, UUID customer) {
        return "device " + device + " (customer " + customer + ")";
    }

    /**
     * One batch of devices: connectivity events of those that come (back) online, status,
     * history.
     */
    private void writeHeartbeats(List<DeviceBeats> part, Map<UUID, String> current) {
        List<Heartbeat> statuses = part.stream().map(device -> device.latest).filter(beat -> beat != null).toList();
        List<Heartbeat> cameOnline = statuses.stream()
            .filter(beat -> !"ONLINE".equals(current.get(beat.deviceId())))
            .toList();
        jdbc.batchUpdate(INSERT_EVENT, cameOnline, cameOnline.size(), (ps, beat) -> {
            ps.setObject(1, beat.deviceId());
            ps.setObject(2, beat.customerId());
            ps.setString(3, current.get(beat.deviceId()));
            ps.setObject(4, timestamp(beat.receivedAt()));
        });
        jdbc.batchUpdate(UPSERT_STATUS, statuses, statuses.size(), ReportWriter::setStatus);
        List<Heartbeat> history = part.stream().flatMap(device -> device.samples.stream()).toList();
        jdbc.batchUpdate(INSERT_HISTORY, history, history.size(), this::setHistory);
    }

    /** One batch of container reports: each replaces what its device reported before. */
    private void writeContainers(List<ContainerReport> part) {
        jdbc.update(DELETE_CONTAINERS, array(part.stream().map(ContainerReport::deviceId).toList()));
        List<Object[]> rows = new ArrayList<>();
        for (ContainerReport report : part) {
            for (ContainerReportRequest.Container container : report.containers()) {
                rows.add(new Object[] { report.deviceId(), container.name(), report.customerId(), container.image(),
                        container.state(), container.message(), timestamp(report.receivedAt()) });
            }
        }
        jdbc.batchUpdate(INSERT_CONTAINER, rows);
    }

    /*
     * Read before the transaction: a device decommissioned between this read and the
     * upsert comes back as a status row, which the next alert evaluation deletes again
     * (AlertService#evaluate).
     */
    private Set<UUID> decommissioned(List<Heartbeat> beats, List<Heartbeat> samples, List<ContainerReport> reports) {
        Set<UUID> ids = new HashSet<>();
        beats.forEach(beat -> ids.add(beat.deviceId()));
        samples.forEach(beat -> ids.add(beat.deviceId()));
        reports.forEach(report -> ids.add(report.deviceId()));
        if (ids.isEmpty()) {
            return Set.of();
        }
        Set<UUID> found = new HashSet<>();
        jdbc.query(DECOMMISSIONED, row -> {
            found.add(row.getObject(1, UUID.class));
        }, array(ids));
        return found;
    }

    private Map<UUID, String> lock(List<UUID> devices) {
        Map<UUID, String> current = new HashMap<>();
        if (devices.isEmpty()) {
            return current;
        }
        jdbc.query(LOCK, row -> {
            current.put(row.getObject(1, UUID.class), row.getString(2));
        }, array(devices));
        return current;
    }

    private static String array(Collection<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
    }

    private long bucket(Instant received) {
        long millis = received.toEpochMilli();
        return millis - Math.floorMod(millis, resolutionMillis);
    }

    private static void setStatus(PreparedStatement ps, Heartbeat beat) throws SQLException {
        HeartbeatRequest v = beat.values();
        ps.setObject(1, beat.deviceId());
        ps.setObject(2, beat.customerId());
        ps.setObject(3, timestamp(beat.receivedAt()));
        ps.setObject(4, timestamp(beat.receivedAt()));
        ps.setLong(5, v.uptimeSeconds());
        ps.setString(6, v.agentVersion());
        if (v.osVersion() == null) {
            ps.setNull(7, Types.VARCHAR);
        }
        else {
            ps.setString(7, v.osVersion());
        }
        ps.setFloat(8, v.cpuLoad().floatValue());
        ps.setLong(9, v.memory().usedBytes());
        ps.setLong(10, v.memory().totalBytes());
        ps.setLong(11, v.systemDisk().usedBytes());
        ps.setLong(12, v.systemDisk().totalBytes());
        ps.setLong(13, v.containerDisk().usedBytes());
        ps.setLong(14, v.containerDisk().totalBytes());
        ps.setInt(15, v.containers().running());
        ps.setInt(16, v.containers().total());
        ps.setObject(17, beat.certificateNotAfter() == null ? null : timestamp(beat.certificateNotAfter()),
                Types.TIMESTAMP_WITH_TIMEZONE);
    }

    private void setHistory(PreparedStatement ps, Heartbeat beat) throws SQLException {
        HeartbeatRequest v = beat.values();
        ps.setObject(1, beat.deviceId());
        ps.setObject(2, beat.customerId());
        ps.setObject(3, timestamp(Instant.ofEpochMilli(bucket(beat.receivedAt()))));
        ps.setObject(4, timestamp(beat.receivedAt()));
        ps.setLong(5, v.uptimeSeconds());
        ps.setFloat(6, v.cpuLoad().floatValue());
        ps.setLong(7, v.memory().usedBytes());
        ps.setLong(8, v.memory().totalBytes());
        ps.setLong(9, v.systemDisk().usedBytes());
        ps.setLong(10, v.systemDisk().totalBytes());
        ps.setLong(11, v.containerDisk().usedBytes());
        ps.setLong(12, v.containerDisk().totalBytes());
        ps.setInt(13, v.containers().running());
        ps.setInt(14, v.containers().total());
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

}
