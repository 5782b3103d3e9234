package dev.edp.monitoring.status;

import java.time.Instant;

/**
 * One row of a device's downsampled heartbeat history.
 *
 * @param bucket start of the history interval
 * @param receivedAt when the heartbeat kept for it arrived
 * @param uptimeSeconds uptime
 * @param cpuLoad CPU load, percent
 * @param memory memory
 * @param systemDisk system partition
 * @param containerDisk container partition
 * @param containers container summary
 */
record HeartbeatPoint(Instant bucket, Instant receivedAt, long uptimeSeconds, double cpuLoad,
        DeviceStatusResponse.Usage memory, DeviceStatusResponse.Usage systemDisk,
        DeviceStatusResponse.Usage containerDisk, DeviceStatusResponse.Containers containers) {
}
