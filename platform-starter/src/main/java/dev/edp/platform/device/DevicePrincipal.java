package dev.edp.platform.device;

import java.time.Instant;
import java.util.UUID;

/**
 * The device E3 authenticated (by its client certificate) for this request, read from the
 * device credential E3 signs ({@code X-EDP-Device-Credential}) with the request proof
 * that binds it to this request ({@code X-EDP-Device-Proof}). Declare it as a controller
 * parameter on the paths listed in {@code edp.device.paths}.
 *
 * @param deviceId the device
 * @param customerId its customer
 * @param serial serial number of its certificate (hex)
 * @param certificateNotAfter end of its certificate's validity ({@code cert_exp} claim),
 * or null when E3 did not say
 */
public record DevicePrincipal(UUID deviceId, UUID customerId, String serial, Instant certificateNotAfter) {

    /**
     * A principal without a known certificate expiry.
     * @param deviceId the device
     * @param customerId its customer
     * @param serial serial number of its certificate (hex)
     */
    public DevicePrincipal(UUID deviceId, UUID customerId, String serial) {
        this(deviceId, customerId, serial, null);
    }
}
