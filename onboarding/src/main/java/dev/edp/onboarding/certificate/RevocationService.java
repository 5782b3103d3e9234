package dev.edp.onboarding.certificate;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import dev.edp.onboarding.OnboardingMetrics;
import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.RevokedEntry;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.Tenant;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Revokes device certificates and republishes the CRL in the same transaction. */
@Service
class RevocationService {

    private final CertificateStore certificates;

    private final CrlPublisher crl;

    private final JdbcClient jdbc;

    private final OnboardingMetrics metrics;

    private final CertificateAuthority ca;

    RevocationService(CertificateStore certificates, CrlPublisher crl, JdbcClient jdbc, OnboardingMetrics metrics,
            CertificateAuthority ca) {
        this.ca = ca;
        this.certificates = certificates;
        this.crl = crl;
        this.jdbc = jdbc;
        this.metrics = metrics;
    }

    @Transactional
    CertificateStore.StoredCertificate revokeCertificate(Tenant tenant, String serial, String reason) {
        String normalized = normalize(serial);
        RevokedEntry.Reason parsed = reason(reason, RevokedEntry.Reason.UNSPECIFIED);
        var cert = certificates.findForUpdate(normalized).orElseThrow(() -> notFound(serial));
        tenant.requireAccess(cert.customerId(), "Certificate " + serial);
        if ("VALID".equals(cert.status())) {
            certificates.revoke(normalized, now(), parsed.name(), actor(tenant));
            ca.revoked(new java.math.BigInteger(normalized, 16));
            metrics.revoked(1);
            crl.rebuild();
        }
        return certificates.find(normalized).orElseThrow();
    }

    /**
     * Decommissioning: revokes every valid certificate of the device and its unused
     * onboarding token, so it can neither connect nor enroll again.
     */
    @Transactional
    List<CertificateStore.StoredCertificate> revokeDevice(Tenant tenant, UUID deviceId, String reason) {
        RevokedEntry.Reason parsed = reason(reason, RevokedEntry.Reason.CESSATION_OF_OPERATION);
        var certs = certificates.findByDeviceForUpdate(deviceId);
        UUID customer = certs.isEmpty() ? jdbc.sql("SELECT customer_id FROM onboarding_token WHERE device_id = :id")
            .param("id", deviceId)
            .query(UUID.class)
            .optional()
            .orElseThrow(() -> deviceNotFound(deviceId)) : certs.getFirst().customerId();
        tenant.requireAccess(customer, "Device " + deviceId);
        Instant now = now();
        int revoked = 0;
        for (var cert : certs) {
            if ("VALID".equals(cert.status())) {
                certificates.revoke(cert.serial(), now, parsed.name(), actor(tenant));
                ca.revoked(new java.math.BigInteger(cert.serial(), 16));
                revoked++;
            }
        }
        jdbc.sql("""
                UPDATE onboarding_token SET status = 'REVOKED', revoked_at = :at, revoked_by = :by
                WHERE device_id = :id AND status = 'ACTIVE'""")
            .param("id", deviceId)
            .param("at", CertificateStore.ts(now))
            .param("by", actor(tenant))
            .update();
        if (revoked > 0) {
            metrics.revoked(revoked);
            crl.rebuild();
        }
        return certificates.findByDeviceForUpdate(deviceId);
    }

    static String normalize(String serial) {
        String value = serial == null ? "" : serial.strip().toLowerCase(Locale.ROOT).replace(":", "");
        if (!value.matches("[0-9a-f]{1,40}")) {
            throw notFound(serial);
        }
        value = value.replaceFirst("^0+(?=.)", "");
        return value;
    }

    private static RevokedEntry.Reason reason(String reason, RevokedEntry.Reason fallback) {
        if (reason == null || reason.isBlank()) {
            return fallback;
        }
        try {
            return RevokedEntry.Reason.valueOf(reason.strip().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException ex) {
            throw OnboardingProblem.INVALID_REASON
                .exception("reason must be one of " + List.of(RevokedEntry.Reason.values()) + ".");
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static String actor(Tenant tenant) {
        return tenant.username() == null ? tenant.subject() : tenant.username();
    }

    static EdpException notFound(String serial) {
        return NotFound.of("Certificate " + serial);
    }

    private static EdpException deviceNotFound(UUID id) {
        return NotFound.of("Device " + id);
    }

}
