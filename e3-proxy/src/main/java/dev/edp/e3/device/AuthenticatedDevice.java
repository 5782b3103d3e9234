package dev.edp.e3.device;

import java.math.BigInteger;
import java.time.Instant;
import java.util.UUID;

/**
 * A device whose certificate E3 verified on this request; an exchange attribute under
 * {@link #ATTRIBUTE}.
 *
 * @param deviceId the device (certificate CN and URI SAN)
 * @param customerId its customer (URI SAN)
 * @param serial the certificate serial
 * @param certificateNotAfter the certificate's notAfter (forwarded as {@code cert_exp})
 */
public record AuthenticatedDevice(UUID deviceId, UUID customerId, BigInteger serial, Instant certificateNotAfter) {

    /** Exchange attribute name. */
    public static final String ATTRIBUTE = AuthenticatedDevice.class.getName();

}
