package dev.edp.onboarding.certificate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.edp.platform.security.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operators' view of issued certificates, and revocation. */
@RestController
@RequestMapping("/api/onboarding/v1")
@Tag(name = "Certificates", description = "Issued device certificates and their revocation")
class CertificateController {

    record RevokeRequest(String reason) {
    }

    record CertificateResponse(String serial, UUID deviceId, UUID customerId, Instant notBefore, Instant notAfter,
            String status, Instant revokedAt, String reason, String publicKeySha256, String certificate) {

        static CertificateResponse of(CertificateStore.StoredCertificate cert) {
            return new CertificateResponse(cert.serial(), cert.deviceId(), cert.customerId(), cert.notBefore(),
                    cert.notAfter(), cert.status(), cert.revokedAt(), cert.reason(), cert.publicKeySha256(),
                    cert.certificatePem());
        }
    }

    private final RevocationService revocations;

    private final CertificateStore certificates;

    CertificateController(RevocationService revocations, CertificateStore certificates) {
        this.revocations = revocations;
        this.certificates = certificates;
    }

    @GetMapping("/certificates/{serial}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Read an issued certificate (serial in lowercase hex)")
    CertificateResponse get(Tenant tenant, @PathVariable String serial) {
        var cert = certificates.find(RevocationService.normalize(serial))
            .orElseThrow(() -> RevocationService.notFound(serial));
        tenant.requireAccess(cert.customerId(), "Certificate " + serial);
        return CertificateResponse.of(cert);
    }

    /**
     * A device's certificates, newest first: the enrollment and every renewal. Another
     * customer's device answers like one without certificates (an empty list), so ids
     * cannot be probed.
     */
    @GetMapping("/devices/{deviceId}/certificates")
    @PreAuthorize("hasRole('viewer')")
    List<CertificateResponse> deviceCertificates(Tenant tenant, @PathVariable UUID deviceId) {
        return certificates.findByDevice(deviceId)
            .stream()
            .filter(cert -> tenant.canAccess(cert.customerId()))
            .map(CertificateResponse::of)
            .toList();
    }

    @PostMapping("/certificates/{serial}/revoke")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Revoke a certificate (operator); reason as RFC 5280 names it, e.g. KEY_COMPROMISE. The CRL "
            + "is rebuilt at once")
    CertificateResponse revoke(Tenant tenant, @PathVariable String serial,
            @RequestBody(required = false) RevokeRequest request) {
        return CertificateResponse
            .of(revocations.revokeCertificate(tenant, serial, request == null ? null : request.reason()));
    }

    @PostMapping("/devices/{deviceId}/revoke")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Decommissioning (operator): revoke every valid certificate of a device and its unused token")
    List<CertificateResponse> revokeDevice(Tenant tenant, @PathVariable UUID deviceId,
            @RequestBody(required = false) RevokeRequest request) {
        return revocations.revokeDevice(tenant, deviceId, request == null ? null : request.reason())
            .stream()
            .map(CertificateResponse::of)
            .toList();
    }

}
