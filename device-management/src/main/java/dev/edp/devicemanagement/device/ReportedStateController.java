package dev.edp.devicemanagement.device;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.edp.devicemanagement.support.Clocks;
import dev.edp.devicemanagement.support.NotFound;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.security.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Devices report what they run; operators read it and the fleet summary. */
@RestController
@Tag(name = "Reported state", description = "What devices run, per container")
class ReportedStateController {

    private final ReportedStateRepository reports;
    private final DeviceService devices;

    ReportedStateController(ReportedStateRepository reports, DeviceService devices) {
        this.reports = reports;
        this.devices = devices;
    }

    @PostMapping("/devices/api/v1/device/reported-state")
    @Transactional
    @Operation(summary = "The device reports its containers and versions (through E3)")
    ResponseEntity<Void> report(DevicePrincipal device, @Valid @RequestBody ReportedState.Report report) {
        String lifecycle = reports.lockLifecycle(device.deviceId(), device.customerId())
                .orElseThrow(() -> NotFound.of("Device " + device.deviceId()));
        if (Lifecycle.DECOMMISSIONED.name().equals(lifecycle)) {
            throw new EdpException(HttpStatus.CONFLICT, "DEVICE_DECOMMISSIONED", "Device decommissioned",
                    "Device " + device.deviceId() + " is decommissioned.");
        }
        reports.store(device.deviceId(), report, Clocks.now());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/devices/v1/devices/{id}/containers")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "The containers a device last reported, with their states")
    ReportedState.Response containers(Tenant tenant, @PathVariable UUID id) {
        devices.get(tenant, id);
        return reports.find(id);
    }

    @GetMapping("/api/devices/v1/fleet/summary")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Device counts by environment and connectivity (decommissioned not counted)")
    List<ReportedState.SummaryRow> summary(Tenant tenant, @RequestParam(required = false) UUID customerId) {
        return reports.summary(tenant.listScope(Optional.ofNullable(customerId)).orElse(null));
    }
}
