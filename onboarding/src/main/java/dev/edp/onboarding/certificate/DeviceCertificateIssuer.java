package dev.edp.onboarding.certificate;

import java.time.Instant;
import java.util.UUID;

import dev.edp.onboarding.OnboardingMetrics;
import dev.edp.onboarding.ca.PkiProperties;
import dev.edp.onboarding.device.DeviceCertificateOutbox;
import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.DeviceCertificateRequest;
import dev.edp.onboarding.pki.IssuedCertificate;
import dev.edp.onboarding.pki.ValidatedCsr;

import org.springframework.stereotype.Component;

/**
 * Issues a device certificate for enrollment and renewal alike: the CA signs it for
 * {@code edp.pki.certificate-validity}, it is stored in {@code device_certificate},
 * device-management hears of it through the outbox and it is counted. Runs in the
 * caller's transaction, so device-management hears of the certificate exactly if it is
 * committed.
 */
@Component
public class DeviceCertificateIssuer {

    private final CertificateAuthority ca;

    private final PkiProperties properties;

    private final CertificateStore certificates;

    private final DeviceCertificateOutbox outbox;

    private final OnboardingMetrics metrics;

    DeviceCertificateIssuer(CertificateAuthority ca, PkiProperties properties, CertificateStore certificates,
            DeviceCertificateOutbox outbox, OnboardingMetrics metrics) {
        this.ca = ca;
        this.properties = properties;
        this.certificates = certificates;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /**
     * A device's first certificate.
     * @param deviceId the device
     * @param customerId its customer
     * @param csr the device's checked request
     * @param tokenId the onboarding token it enrolls with
     * @return the new certificate, issued at the database's now
     */
    public IssuedCertificate enrolled(UUID deviceId, UUID customerId, ValidatedCsr csr, UUID tokenId) {
        return issue(deviceId, customerId, csr, tokenId, null, null);
    }

    /**
     * A device's next certificate, signed for by its current one.
     * @param deviceId the device
     * @param customerId its customer
     * @param csr the device's checked request
     * @param renewedFrom the serial it renews
     * @param issuedAt when it was issued
     * @return the new certificate
     */
    public IssuedCertificate renewed(UUID deviceId, UUID customerId, ValidatedCsr csr, String renewedFrom,
            Instant issuedAt) {
        return issue(deviceId, customerId, csr, null, renewedFrom, issuedAt);
    }

    private IssuedCertificate issue(UUID deviceId, UUID customerId, ValidatedCsr csr, UUID tokenId, String renewedFrom,
            Instant issuedAt) {
        IssuedCertificate issued = ca
            .issue(new DeviceCertificateRequest(deviceId, customerId, csr, properties.certificateValidity()));
        certificates.insert(issued, deviceId, customerId, tokenId, renewedFrom, csr.publicKeyFingerprint(), issuedAt);
        outbox.enqueue(deviceId, customerId, issued);
        metrics.issued();
        return issued;
    }

}
