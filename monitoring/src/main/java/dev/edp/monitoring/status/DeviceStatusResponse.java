package dev.edp.monitoring.status;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A device's latest known state.
 *
 * @param deviceId the device
 * @param customerId its customer
 * @param connectivity ONLINE or OFFLINE
 * @param connectivityChangedAt when it last changed
 * @param lastSeen the last heartbeat
 * @param uptimeSeconds uptime at the last heartbeat
 * @param agentVersion agent version
 * @param osVersion OS version
 * @param cpuLoad CPU load, percent
 * @param memory memory
 * @param systemDisk system partition
 * @param containerDisk container partition
 * @param containers container summary from the heartbeat
 * @param certificateNotAfter end of the device certificate's validity, as E3 last
 * reported it (null: not known)
 * @param containerStates the last container report (only on a single device's status)
 */
record DeviceStatusResponse(UUID deviceId, UUID customerId, String connectivity, Instant connectivityChangedAt,
        Instant lastSeen, long uptimeSeconds, String agentVersion, String osVersion, double cpuLoad, Usage memory,
        Usage systemDisk, Usage containerDisk, Containers containers, Instant certificateNotAfter,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<ContainerState> containerStates) {

    record Usage(long usedBytes, long totalBytes) {
    }

    record Containers(int running, int total) {
    }

    record ContainerState(String name, String image, String state, String message, Instant reportedAt) {
    }

    DeviceStatusResponse withContainerStates(List<ContainerState> states) {
        return new DeviceStatusResponse(deviceId, customerId, connectivity, connectivityChangedAt, lastSeen,
                uptimeSeconds, agentVersion, osVersion, cpuLoad, memory, systemDisk, containerDisk, containers,
                certificateNotAfter, states);
    }
}
