package dev.edp.monitoring.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.edp.monitoring.batch.SqlFailures;
import dev.edp.monitoring.config.MonitoringProperties;
import dev.edp.platform.device.DevicePrincipal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The latest heartbeat and container report of each device, held in memory and written in one
 * batch every {@code edp.monitoring.flush-interval}: a heartbeat costs no database round trip, and
 * a device that reports twice within an interval costs one row, not two.
 * <p>
 * Stopped (orderly shutdown) after the web server and before the data source closes, it writes
 * what is left. A crash loses at most one interval's reports; the devices send the next ones
 * anyway. A report PostgreSQL refuses is dropped by the writer alone (counted and logged), so one
 * device cannot stop the flushes of all others. When a write fails otherwise (database down,
 * deadlock) the batch goes back into the buffer (unless the device reported again meanwhile) and
 * is tried again at the next interval; the buffer still holds at most one report per device.
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

    private final Map<UUID, Heartbeat> heartbeats = new ConcurrentHashMap<>();
    private final Map<UUID, ContainerReport> reports = new ConcurrentHashMap<>();
    private final ReportWriter writer;
    private final Clock clock;
    private final MonitoringProperties properties;
    private final ReentrantLock flushing = new ReentrantLock();
    private final Counter received;
    private final Counter containerReports;
    private final DistributionSummary batchSize;
    private final Timer flushDuration;
    private final Counter flushFailures;
    private volatile ScheduledExecutorService scheduler;

    ReportBuffer(ReportWriter writer, Clock clock, MonitoringProperties properties, MeterRegistry meters) {
        this.writer = writer;
        this.clock = clock;
        this.properties = properties;
        this.received = Counter.builder("edp.heartbeats.received").description("Heartbeats accepted")
                .register(meters);
        this.containerReports = Counter.builder("edp.container.reports.received")
                .description("Container reports accepted").register(meters);
        this.batchSize = DistributionSummary.builder("edp.monitoring.flush.batch.size")
                .description("Heartbeats and container reports written per flush").register(meters);
        this.flushDuration = Timer.builder("edp.monitoring.flush.duration").description("Time to write one flush")
                .register(meters);
        this.flushFailures = Counter.builder("edp.monitoring.flush.failures")
                .description("Flushes that failed and were retried").register(meters);
    }

    void heartbeat(DevicePrincipal device, HeartbeatRequest values) {
        heartbeats.put(device.deviceId(), new Heartbeat(device.deviceId(), device.customerId(), clock.instant(),
                device.certificateNotAfter(), values));
        received.increment();
    }

    void containers(DevicePrincipal device, List<ContainerReportRequest.Container> containers) {
        reports.put(device.deviceId(),
                new ContainerReport(device.deviceId(), device.customerId(), clock.instant(), List.copyOf(containers)));
        containerReports.increment();
    }

    /**
     * Drops what this replica holds for a decommissioned device (the writer also skips devices
     * recorded as decommissioned, which covers the other replicas' buffers).
     * @param deviceId the device
     */
    public void forget(UUID deviceId) {
        heartbeats.remove(deviceId);
        reports.remove(deviceId);
        writer.forget(deviceId);
    }

    /** Writes what is buffered now; one flush at a time. */
    public void flush() {
        flushing.lock();
        try {
            List<Heartbeat> beats = drain(heartbeats);
            List<ContainerReport> containers = drain(reports);
            if (beats.isEmpty() && containers.isEmpty()) {
                return;
            }
            try {
                flushDuration.record(() -> writer.write(beats, containers));
                batchSize.record(beats.size() + containers.size());
            }
            catch (RuntimeException ex) {
                // Not a refused row (the writer drops those alone): the database is down or busy, or
                // something unknown went wrong. Nothing is dropped for that.
                flushFailures.increment();
                beats.forEach(beat -> heartbeats.putIfAbsent(beat.deviceId(), beat));
                containers.forEach(report -> reports.putIfAbsent(report.deviceId(), report));
                log.warn("Writing {} heartbeats and {} container reports failed ({}, SQLState {}); retrying at the "
                        + "next flush: {}", beats.size(), containers.size(), SqlFailures.classify(ex),
                        SqlFailures.sqlState(ex), ex.getMessage());
            }
        }
        finally {
            flushing.unlock();
        }
    }

    /** Removing key by key never loses a report that arrives during the drain: it lands in this or the next batch. */
    private static <T> List<T> drain(Map<UUID, T> buffer) {
        List<T> batch = new ArrayList<>(buffer.size());
        for (UUID device : buffer.keySet()) {
            T value = buffer.remove(device);
            if (value != null) {
                batch.add(value);
            }
        }
        return batch;
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("monitoring-flush").daemon().factory());
        long interval = properties.flushInterval().toMillis();
        executor.scheduleWithFixedDelay(this::flushQuietly, interval, interval, TimeUnit.MILLISECONDS);
        scheduler = executor;
    }

    private void flushQuietly() {
        try {
            flush();
        }
        catch (RuntimeException ex) {
            log.warn("Flush failed", ex);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = scheduler;
        scheduler = null;
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
        if (!heartbeats.isEmpty() || !reports.isEmpty()) {
            log.error("Shutting down with {} heartbeats and {} container reports unwritten", heartbeats.size(),
                    reports.size());
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }

    /** Stops after the web server (which stops taking requests first), before the data source closes. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
