package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.edp.platform.audit.Stamp;

/**
 * A device as the API shows it.
 *
 * @param id its id (also the subject of its certificate)
 * @param customerId the customer owning it
 * @param name display name
 * @param environment the environment it runs in
 * @param machineId the machine it is attached to
 * @param labels free labels
 * @param lifecycle PENDING_ONBOARDING, ACTIVE or DECOMMISSIONED
 * @param certificateSerial serial of its current certificate (hex)
 * @param certificateNotAfter when that certificate expires
 * @param agentVersion the agent version it last reported
 * @param osVersion the OS version it last reported
 * @param connectivity ONLINE, OFFLINE or UNKNOWN
 * @param connectivitySince since when
 * @param releaseOverride the release this device is pinned to instead of its
 * environment's, if any
 * @param version its version, also sent as {@code ETag}
 * @param createdAt when it was registered
 * @param createdBy who registered it
 * @param updatedAt when it was last changed
 * @param updatedBy who changed it last
 */
record DeviceResponse(UUID id, UUID customerId, String name, Environment environment, UUID machineId,
        Map<String, String> labels, Lifecycle lifecycle, String certificateSerial, Instant certificateNotAfter,
        String agentVersion, String osVersion, Connectivity connectivity, Instant connectivitySince,
        UUID releaseOverride, long version, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {

    static DeviceResponse of(Device d) {
        Stamp stamp = d.stamp();
        return new DeviceResponse(d.id(), d.customerId(), d.name(), d.environment(), d.machineId(), d.labels(),
                d.lifecycle(), d.certificate().serial(), d.certificate().notAfter(), d.agentVersion(), d.osVersion(),
                d.connectivity(), d.connectivitySince(), d.releaseOverrideId(), stamp.version(), stamp.createdAt(),
                stamp.createdBy(), stamp.updatedAt(), stamp.updatedBy());
    }
}
