package dev.edp.monitoring.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code edp.monitoring.*}.
 *
 * @param flushInterval how often buffered heartbeats and container reports are written
 * @param offlineAfter a device without a heartbeat for this long is offline
 * @param sweepInterval how often the offline sweep runs (on one replica at a time)
 * @param historyResolution at most one history row per device per this interval
 * @param historyRetention daily history partitions older than this are dropped
 * @param connectivityRetention connectivity events both relayed and live-published, older
 * than this, are deleted
 * @param retentionCron when the retention job runs (UTC, on one replica)
 * @param bufferCapacity most reports held in memory, unwritten (per device and history
 * bucket one heartbeat, per device one container report); beyond, 503 {@code BUFFER_FULL}
 * @param bufferRetryAfter what {@code Retry-After} tells a device refused because the
 * buffer is full
 */
@ConfigurationProperties("edp.monitoring")
public record MonitoringProperties(@DefaultValue("1s") Duration flushInterval,
        @DefaultValue("90s") Duration offlineAfter, @DefaultValue("5s") Duration sweepInterval,
        @DefaultValue("1m") Duration historyResolution, @DefaultValue("7d") Duration historyRetention,
        @DefaultValue("7d") Duration connectivityRetention, @DefaultValue("0 17 3 * * *") String retentionCron,
        @DefaultValue("50000") int bufferCapacity, @DefaultValue("10s") Duration bufferRetryAfter) {
}
