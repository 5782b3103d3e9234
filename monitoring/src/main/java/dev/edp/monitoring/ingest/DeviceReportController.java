package dev.edp.monitoring.ingest;

import dev.edp.platform.device.DevicePrincipal;
import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What devices send through E3. Both endpoints only validate and buffer, and answer {@code 202}:
 * {@link ReportBuffer} writes in batches.
 */
@RestController
@RequestMapping("/monitoring/api/v1")
class DeviceReportController {

    private final ReportBuffer buffer;

    DeviceReportController(ReportBuffer buffer) {
        this.buffer = buffer;
    }

    @PostMapping("/heartbeat")
    ResponseEntity<Void> heartbeat(DevicePrincipal device, @Valid @RequestBody HeartbeatRequest heartbeat) {
        buffer.heartbeat(device, heartbeat);
        return ResponseEntity.accepted().build();
    }

    @PostMapping("/monitoring/container")
    ResponseEntity<Void> containers(DevicePrincipal device,
            @Valid @RequestBody(required = false) ContainerReportRequest report) {
        if (report != null && report.containers() != null) {
            buffer.containers(device, report.containers());
        }
        return ResponseEntity.accepted().build();
    }
}
