package dev.edp.monitoring.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.edp.monitoring.batch.SqlFailures;
import dev.edp.monitoring.config.MonitoringProperties;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.task.TaskThread;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Heartbeats and container reports, held in memory and written in one batch every
 * {@code edp.monitoring.flush-interval}: a heartbeat costs no database round trip, and a
 * device that reports twice within an interval costs one status row, not two.
 * <p>
 * What is held is what the database keeps of the reports, nothing more: per device the
 * latest heartbeat (its status row) and the first heartbeat of each history bucket not
 * written yet (its history rows, one per {@code edp.monitoring.history-resolution}), and
 * the latest container report. So a flush that cannot be written (PostgreSQL down,
 * frozen, a deadlock) loses nothing: the batch goes back into the buffer (merged with
 * what arrived meanwhile) and is tried again at the next interval; after a 30 s outage
 * every device's status and every minute's history row it reported are written.
 * <p>
 * The buffer is bounded ({@code edp.monitoring.buffer-capacity} entries, those being
 * written included; gauge {@code edp_monitoring_buffer_entries}). When it is full, a
 * report that would add an entry is refused with 503 {@code BUFFER_FULL} and
 * {@code Retry-After} (counted in {@code edp_monitoring_buffer_refused_total}), so an
 * outage costs memory up to the bound and no more, and nothing is dropped silently: the
 * device sends it again. A report PostgreSQL refuses is dropped by the writer alone
 * (counted and logged), so one device cannot stop the flushes of all others. Stopped
 * (orderly shutdown) after the web server and before the data source closes, it writes
 * what is left; a crash loses what was not written yet.
 */
@Component
public class ReportBuffer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReportBuffer.class);

    /** A heartbeat as received. */
    record Heartbeat(UUID deviceId, UUID customerId, Instant receivedAt, Instant certificateNotAfter,
            HeartbeatRequest values) {
    }

    /** A container report as received. */
    record ContainerReport(UUID deviceId, UUID customerId, Instant receivedAt,
            List<ContainerReportRequest.Container> containers) {
    }

    /** A device's history bucket. */
    private record Sample(UUID deviceId, long bucket) {
    }

    /** The buffer is full: the report was not taken. */
    static final class Full extends RuntimeException {

        Full() {
            super("report buffer full", null, false, false);
        }

    }

    private final Map<UUID, Heartbeat> latest = new ConcurrentHashMap<>();

    private final Map<Sample, Heartbeat> samples = new ConcurrentHashMap<>();

    private final Map<UUID, ContainerReport> reports = new ConcurrentHashMap<>();

    private final ReportWriter writer;

    private final Clock clock;

    private final MonitoringProperties properties;

    private final long resolutionMillis;

    private final ReentrantLock flushing = new ReentrantLock();

    private final Counter received;

    private final Counter containerReports;

    private final Counter refusedHeartbeats;

    private final Counter refusedContainerReports;

    private final DistributionSummary batchSize;

    private final Timer flushDuration;

    private final Counter flushFailures;

    private volatile TaskThread tasks;

    ReportBuffer(ReportWriter writer, Clock clock, MonitoringProperties properties, MeterRegistry meters) {
        this.writer = writer;
        this.clock = clock;
        this.properties = properties;
        this.resolutionMillis = properties.historyResolution().toMillis();
        this.received = Counter.builder("edp.heartbeats.received").description("Heartbeats accepted").register(meters);
        this.containerReports = Counter.builder("edp.container.reports.received")
            .description("Container reports accepted")
            .register(meters);
        this.refusedHeartbeats = refused(meters, "heartbeat");
        this.refusedContainerReports = refused(meters, "container_report");
        this.batchSize = DistributionSummary.builder("edp.monitoring.flush.batch.size")
            .description("Heartbeats and container reports written per flush")
            .register(meters);
        this.flushDuration = Timer.builder("edp.monitoring.flush.duration")
            .description("Time to write one flush")
            .register(meters);
        this.flushFailures = Counter.builder("edp.monitoring.flush.failures")
            .description("Flushes that failed and were retried")
            .register(meters);
        Gauge.builder("edp.monitoring.buffer.entries", this, ReportBuffer::size)
            .description("Reports held in memory, not written yet (those being written included)")
            .register(meters);
        Gauge.builder("edp.monitoring.buffer.capacity", properties, p -> p.bufferCapacity())
            .description("Most entries the report buffer holds; beyond, reports are refused with 503")
            .register(meters);
    }

    private static Counter refused(MeterRegistry meters, String kind) {
        return Counter.builder("edp.monitoring.buffer.refused")
            .tag("kind", kind)
            .description("Reports refused with 503 because the buffer was full")
            .register(meters);
    }

    /**
     * Takes a heartbeat.
     * @param device the device
     * @param values what it sent
     * @throws Full when it would add an entry to a full buffer
     */
    void heartbeat(DevicePrincipal device, HeartbeatRequest values) {
        Heartbeat beat = new Heartbeat(device.deviceId(), device.customerId(), clock.instant(),
                device.certificateNotAfter(), values);
        Sample sample = new Sample(beat.deviceId(), bucket(beat.receivedAt()));
        if (!samples.containsKey(sample) && size() >= properties.bufferCapacity()) {
            refusedHeartbeats.increment();
            throw new Full();
        }
        samples.putIfAbsent(sample, beat);
        latest.merge(beat.deviceId(), beat, ReportBuffer::later);
        received.increment();
    }

    /**
     * Takes a container report.
     * @param device the device
     * @param containers what it runs
     * @throws Full when it would add an entry to a full buffer
     */
    void containers(DevicePrincipal device, List<ContainerReportRequest.Container> containers) {
        if (!reports.containsKey(device.deviceId()) && size() >= properties.bufferCapacity()) {
            refusedContainerReports.increment();
            throw new Full();
        }
        ContainerReport report = new ContainerReport(device.deviceId(), device.customerId(), clock.instant(),
                List.copyOf(containers));
        reports.merge(device.deviceId(), report,
                (held, offered) -> offered.receivedAt().isBefore(held.receivedAt()) ? held : offered);
        containerReports.increment();
    }

    /**
     * @return entries held: history samples and container reports (those being written
     * included)
     */
    int size() {
        return samples.size() + reports.size();
    }

    /**
     * Drops what this replica holds for a decommissioned device (the writer also skips
     * devices recorded as decommissioned, which covers the other replicas' buffers).
     * @param deviceId the device
     */
    public void forget(UUID deviceId) {
        latest.remove(deviceId);
        samples.keySet().removeIf(sample -> sample.deviceId().equals(deviceId));
        reports.remove(deviceId);
        writer.forget(deviceId);
    }

    /**
     * Writes what is buffered now; one flush at a time. Entries stay in the buffer while
     * they are written and leave it only once written (unless a newer report replaced
     * them meanwhile, which the next flush writes), so a failed flush has nothing to put
     * back and the bound always holds.
     */
    public void flush() {
        flushing.lock();
        try {
            Map<UUID, Heartbeat> beats = Map.copyOf(latest);
            Map<Sample, Heartbeat> history = Map.copyOf(samples);
            Map<UUID, ContainerReport> containers = Map.copyOf(reports);
            if (beats.isEmpty() && history.isEmpty() && containers.isEmpty()) {
                return;
            }
            try {
                flushDuration.record(() -> writer.write(List.copyOf(beats.values()), List.copyOf(history.values()),
                        List.copyOf(containers.values())));
                batchSize.record(beats.size() + containers.size());
            }
            catch (RuntimeException ex) {
                // Not a refused row (the writer drops those alone): the database is down
                // or busy, or something unknown went wrong. Nothing is dropped for that:
                // it stays for the next flush.
                flushFailures.increment();
                log.warn(
                        "Writing {} heartbeats ({} history rows) and {} container reports failed ({}, SQLState {}); "
                                + "kept for the next flush ({} of {} buffer entries used): {}",
                        beats.size(), history.size(), containers.size(), SqlFailures.classify(ex),
                        SqlFailures.sqlState(ex), size(), properties.bufferCapacity(), ex.getMessage());
                return;
            }
            // Written (or refused for its own fault, which the writer counted): gone,
            // unless replaced meanwhile.
            beats.forEach(latest::remove);
            history.forEach(samples::remove);
            containers.forEach(reports::remove);
        }
        finally {
            flushing.unlock();
        }
    }

    private static Heartbeat later(Heartbeat held, Heartbeat offered) {
        return offered.receivedAt().isBefore(held.receivedAt()) ? held : offered;
    }

    private long bucket(Instant received) {
        long millis = received.toEpochMilli();
        return millis - Math.floorMod(millis, resolutionMillis);
    }

    @Override
    public void start() {
        Duration interval = properties.flushInterval();
        tasks = TaskThread.start("monitoring-flush").fixedDelay("flush", interval, interval, this::flush);
    }

    @Override
    public void stop() {
        TaskThread running = tasks;
        tasks = null;
        if (running != null) {
            // A flush under way finishes; then the last one below writes what came in
            // meanwhile.
            running.close(Duration.ofSeconds(30));
        }
        flush();
        if (!latest.isEmpty() || !samples.isEmpty() || !reports.isEmpty()) {
            log.error("Shutting down with {} heartbeats ({} history rows) and {} container reports unwritten",
                    latest.size(), samples.size(), reports.size());
        }
    }

    @Override
    public boolean isRunning() {
        return tasks != null;
    }

    /**
     * Stops after the web server (which stops taking requests first), before the data
     * source closes.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

}
