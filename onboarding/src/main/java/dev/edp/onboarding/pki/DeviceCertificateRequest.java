package dev.edp.onboarding.pki;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

import dev.edp.platform.device.DeviceIdentity;

/**
 * What the platform asks a {@link CertificateAuthority} to certify: the device's
 * validated key for the identity the platform decided (never one the device asked for).
 *
 * @param deviceId the device (becomes the subject common name and part of the identity
 * URI)
 * @param customerId the customer the device belongs to
 * @param csr the device's validated request; only its public key is certified
 * @param validity how long the certificate should be valid from now (1 minute to 397
 * days); a provider may shorten it, never lengthen it
 */
public record DeviceCertificateRequest(UUID deviceId, UUID customerId, ValidatedCsr csr, Duration validity) {

    /** The platform's default: short-lived certificates that devices renew. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

    /** Upper bound for any device certificate, whatever the configuration says. */
    public static final Duration MAX_VALIDITY = Duration.ofDays(397);

    public DeviceCertificateRequest {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(csr, "csr");
        Objects.requireNonNull(validity, "validity");
        if (validity.compareTo(Duration.ofMinutes(1)) < 0 || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException(
                    "validity must be between 1 minute and " + MAX_VALIDITY.toDays() + " days");
        }
    }

    /** A request with the {@linkplain #DEFAULT_VALIDITY default validity}. */
    public DeviceCertificateRequest(UUID deviceId, UUID customerId, ValidatedCsr csr) {
        this(deviceId, customerId, csr, DEFAULT_VALIDITY);
    }

    /** The identity the certificate must carry. */
    public DeviceIdentity identity() {
        return new DeviceIdentity(this.customerId, this.deviceId);
    }
}
