package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.edp.devicemanagement.support.Approval;

/**
 * A request to move a device out of STAGING or PRODUCTION into a lower environment, and
 * its outcome; also the response body. {@code basisVersion} is the device's version when
 * it was requested: approving fails once the device changed since. Its {@link Approval}
 * shows as the members
 * {@code status, requestedBy, requestedAt, decidedBy, decidedAt, reason}.
 */
record DeviceMove(UUID id, UUID customerId, UUID deviceId, Environment fromEnvironment, Environment targetEnvironment,
        long basisVersion, @JsonUnwrapped Approval approval) {

    /**
     * @return a new request, undecided, based on the device as it is now
     */
    static DeviceMove requested(Device device, Environment target, String by, Instant at) {
        return new DeviceMove(UUID.randomUUID(), device.customerId(), device.id(), device.environment(), target,
                device.version(), Approval.requested(by, at));
    }
}
