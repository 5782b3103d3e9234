package dev.edp.devicemanagement.device;

import java.util.List;
import java.util.UUID;

import dev.edp.devicemanagement.support.DeviceConnectionShare;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
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

    private final ReportedStateService reports;

    private final DeviceConnectionShare share;

    ReportedStateController(ReportedStateService reports, DeviceConnectionShare share) {
        this.reports = reports;
        this.share = share;
    }

    @PostMapping("/devices/api/v1/device/reported-state")
    @ApiResponse(responseCode = "204", description = "Stored")
    @ApiResponse(responseCode = "409", description = "DEVICE_DECOMMISSIONED")
    @Operation(summary = "The device reports its containers and versions (through E3)")
    ResponseEntity<Void> report(DevicePrincipal device, @Valid @RequestBody ReportedState.Report report) {
        share.run(() -> reports.report(device, report));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/devices/v1/devices/{id}/containers")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "The containers a device last reported, with their states")
    ReportedState.Response containers(Tenant tenant, @PathVariable UUID id) {
        return reports.containers(tenant, id);
    }

    @GetMapping("/api/devices/v1/fleet/summary")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Device counts by environment, connectivity and lifecycle (decommissioned not counted)")
    List<ReportedState.SummaryRow> summary(Tenant tenant, @RequestParam(required = false) UUID customerId) {
        return reports.summary(tenant, customerId);
    }

}
