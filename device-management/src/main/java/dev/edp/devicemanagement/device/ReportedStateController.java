package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.edp.devicemanagement.events.DeviceEventType;
import dev.edp.devicemanagement.events.DeviceEvents;
import dev.edp.devicemanagement.support.Clocks;
import dev.edp.devicemanagement.support.NotFound;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.security.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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

    private static final String FAILED = "reconciliation failed";

    private final ReportedStateRepository reports;
    private final DeviceService devices;
    private final DeviceEvents events;

    ReportedStateController(ReportedStateRepository reports, DeviceService devices, DeviceEvents events) {
        this.reports = reports;
        this.devices = devices;
        this.events = events;
    }

    @PostMapping("/devices/api/v1/device/reported-state")
    @ApiResponse(responseCode = "204", description = "Stored")
    @ApiResponse(responseCode = "409", description = "DEVICE_DECOMMISSIONED")
    @Transactional
    @Operation(summary = "The device reports its containers and versions (through E3)")
    ResponseEntity<Void> report(DevicePrincipal device, @Valid @RequestBody ReportedState.Report report) {
        ReportedStateRepository.Locked stored = reports.lock(device.deviceId(), device.customerId())
                .orElseThrow(() -> NotFound.of("Device " + device.deviceId()));
        if (Lifecycle.DECOMMISSIONED.name().equals(stored.lifecycle())) {
            throw new EdpException(HttpStatus.CONFLICT, "DEVICE_DECOMMISSIONED", "Device decommissioned",
                    "Device " + device.deviceId() + " is decommissioned.");
        }
        Instant now = Clocks.now();
        reports.store(device.deviceId(), report, now);
        rollUp(device, stored, report, now);
        return ResponseEntity.noContent().build();
    }

    /**
     * The deployment status rolls up to failed while any container is in {@code reconciliation failed};
     * a change either way is an event for monitoring, in this transaction (the row lock orders reports).
     */
    private void rollUp(DevicePrincipal device, ReportedStateRepository.Locked stored, ReportedState.Report report,
            Instant now) {
        List<ReportedState.Container> failing = report.containers().stream()
                .filter(container -> FAILED.equals(container.state())).toList();
        boolean failed = !failing.isEmpty();
        if (failed == stored.deploymentFailed()) {
            return;
        }
        reports.deploymentFailed(device.deviceId(), failed);
        String detail = failed
                ? "Reconciliation failed on device " + stored.name() + ": " + failing.stream()
                        .map(container -> container.name() + (container.message() == null ? ""
                                : " (" + container.message() + ")"))
                        .collect(Collectors.joining(", "))
                : "Device " + stored.name() + " recovered: no container is failing.";
        events.publish(device.deviceId(), device.customerId(),
                failed ? DeviceEventType.DEPLOYMENT_FAILED : DeviceEventType.DEPLOYMENT_RECOVERED, detail, now);
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
    @Operation(summary = "Device counts by environment, connectivity and lifecycle (decommissioned not counted)")
    List<ReportedState.SummaryRow> summary(Tenant tenant, @RequestParam(required = false) UUID customerId) {
        return reports.summary(tenant.listScope(Optional.ofNullable(customerId)).orElse(null));
    }
}
