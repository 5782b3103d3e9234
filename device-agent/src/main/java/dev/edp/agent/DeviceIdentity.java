package dev.edp.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Who the device is, as its current certificate says.
 *
 * @param deviceId the device id (the certificate's CN)
 * @param customerId the owning customer
 * @param serial the certificate serial, hex
 * @param notBefore start of validity
 * @param notAfter end of validity
 */
public record DeviceIdentity(UUID deviceId, UUID customerId, String serial, Instant notBefore, Instant notAfter) {

    /**
     * @return the certificate's whole lifetime
     */
    public Duration lifetime() {
        return Duration.between(notBefore, notAfter);
    }
}
