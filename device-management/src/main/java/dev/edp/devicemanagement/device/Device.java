package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.edp.platform.audit.Stamp;

/**
 * A device as stored; never leaves the service (see {@link DeviceResponse}). Made by
 * name: {@link #pending} when an operator registers it, {@link #enrolled} when its first
 * certificate arrives before any registration; each change returns a new version with its
 * {@link Stamp} moved on.
 */
record Device(UUID id, UUID customerId, String name, Environment environment, UUID machineId,
        Map<String, String> labels, Lifecycle lifecycle, Certificate certificate, String agentVersion, String osVersion,
        Connectivity connectivity, Instant connectivitySince, UUID releaseOverrideId, Stamp stamp) {

    /**
     * The device's current certificate.
     *
     * @param serial its serial (hex, lower-case)
     * @param notAfter when it expires
     */
    record Certificate(String serial, Instant notAfter) {

        /** No certificate yet. */
        static final Certificate NONE = new Certificate(null, null);

    }

    /**
     * @return a device registered for onboarding: no certificate, never heard from, no
     * override
     */
    static Device pending(UUID id, UUID customerId, String name, Environment environment, UUID machineId,
            Map<String, String> labels, Stamp stamp) {
        return new Device(id, customerId, name, environment, machineId, labels, Lifecycle.PENDING_ONBOARDING,
                Certificate.NONE, null, null, Connectivity.UNKNOWN, null, null, stamp);
    }

    /**
     * @return a device nobody registered, enrolled with its certificate: ACTIVE in
     * TESTING, no machine, no labels
     */
    static Device enrolled(UUID id, UUID customerId, String name, Certificate certificate, Stamp stamp) {
        return new Device(id, customerId, name, Environment.TESTING, null, Map.of(), Lifecycle.ACTIVE, certificate,
                null, null, Connectivity.UNKNOWN, null, null, stamp);
    }

    Device movedTo(Environment newEnvironment, Instant at, String by) {
        return changed(newEnvironment, lifecycle, certificate, releaseOverrideId, at, by);
    }

    Device withLifecycle(Lifecycle newLifecycle, Instant at, String by) {
        return changed(environment, newLifecycle, certificate, releaseOverrideId, at, by);
    }

    Device withReleaseOverride(UUID newOverride, Instant at, String by) {
        return changed(environment, lifecycle, certificate, newOverride, at, by);
    }

    /**
     * @return this device ACTIVE with a new certificate
     */
    Device withCertificate(Certificate newCertificate, Instant at, String by) {
        return changed(environment, Lifecycle.ACTIVE, newCertificate, releaseOverrideId, at, by);
    }

    /**
     * @return its version, also its ETag
     */
    long version() {
        return stamp.version();
    }

    /**
     * What operators and enrollment change; the rest only the device's reports and
     * monitoring do.
     */
    private Device changed(Environment newEnvironment, Lifecycle newLifecycle, Certificate newCertificate,
            UUID newOverride, Instant at, String by) {
        return new Device(id, customerId, name, newEnvironment, machineId, labels, newLifecycle, newCertificate,
                agentVersion, osVersion, connectivity, connectivitySince, newOverride, stamp.next(at, by));
    }
}
