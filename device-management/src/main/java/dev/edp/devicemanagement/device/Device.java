package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A device as stored; never leaves the service (see {@link DeviceResponse}). */
record Device(UUID id, UUID customerId, String name, Environment environment, UUID machineId,
        Map<String, String> labels, Lifecycle lifecycle, String certificateSerial, Instant certificateNotAfter,
        String agentVersion, String osVersion, Connectivity connectivity, Instant connectivitySince,
        UUID releaseOverrideId, long version, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {

    Device withEnvironment(Environment newEnvironment, long newVersion, Instant at, String by) {
        return new Device(id, customerId, name, newEnvironment, machineId, labels, lifecycle, certificateSerial,
                certificateNotAfter, agentVersion, osVersion, connectivity, connectivitySince, releaseOverrideId, newVersion,
                createdAt, createdBy, at, by);
    }

    Device withLifecycle(Lifecycle newLifecycle, long newVersion, Instant at, String by) {
        return new Device(id, customerId, name, environment, machineId, labels, newLifecycle, certificateSerial,
                certificateNotAfter, agentVersion, osVersion, connectivity, connectivitySince, releaseOverrideId, newVersion,
                createdAt, createdBy, at, by);
    }

    Device withReleaseOverride(UUID newOverride, long newVersion, Instant at, String by) {
        return new Device(id, customerId, name, environment, machineId, labels, lifecycle, certificateSerial,
                certificateNotAfter, agentVersion, osVersion, connectivity, connectivitySince, newOverride, newVersion,
                createdAt, createdBy, at, by);
    }

    Device withCertificate(String serial, Instant notAfter, long newVersion, Instant at, String by) {
        return new Device(id, customerId, name, environment, machineId, labels, Lifecycle.ACTIVE, serial, notAfter,
                agentVersion, osVersion, connectivity, connectivitySince, releaseOverrideId, newVersion, createdAt,
                createdBy, at, by);
    }
}
