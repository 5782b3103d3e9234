package dev.edp.devicemanagement.device;

import java.util.UUID;

import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What other platform services tell the registry, with their own client-credentials
 * tokens (role {@code platform-service}, outside the user role hierarchy: no user token,
 * not even a platform admin's, gets in): onboarding issued a certificate, monitoring saw
 * devices come and go.
 */
@RestController
@RequestMapping("/api/devices/v1/internal")
@Tag(name = "Internal", description = "For other platform services (role platform-service)")
class InternalDeviceController {

    private final DeviceService devices;

    InternalDeviceController(DeviceService devices) {
        this.devices = devices;
    }

    @PutMapping("/devices/{deviceId}/certificate")
    @HasRole(EdpRoles.SERVICE)
    @Operation(summary = "Onboarding issued or renewed the device's certificate: the device becomes ACTIVE")
    ResponseEntity<Void> certificate(Tenant service, @PathVariable UUID deviceId,
            @Valid @RequestBody DeviceRequests.Certificate request) {
        devices.certificateIssued(service, deviceId, request);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/certificates")
    @HasRole(EdpRoles.SERVICE)
    @Operation(summary = "Certificates onboarding issued or renewed (up to 500), each as the PUT above takes it: "
            + "all taken in one transaction, or none when one is refused (its problem is the answer)")
    ResponseEntity<Void> certificates(Tenant service, @Valid @RequestBody DeviceRequests.CertificateBatch request) {
        devices.certificatesIssued(service, request.certificates());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/connectivity")
    @HasRole(EdpRoles.SERVICE)
    @Operation(
            summary = "Monitoring's connectivity changes (up to 1000); older than stored and unknown devices ignored")
    ResponseEntity<Void> connectivity(@Valid @RequestBody DeviceRequests.ConnectivityBatch request) {
        devices.connectivity(request.events());
        return ResponseEntity.noContent().build();
    }

}
