package dev.edp.monitoring.ingest;

import dev.edp.monitoring.config.MonitoringProperties;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.problem.EdpException;
import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What devices send through E3. Both endpoints only validate and buffer, and answer {@code 202}:
 * {@link ReportBuffer} writes in batches, also through a database outage. When the buffer is full
 * (a long outage) they answer 503 {@code BUFFER_FULL} with {@code Retry-After}: refused, never
 * dropped silently, and the agent sends again.
 */
@RestController
@RequestMapping("/monitoring/api/v1")
class DeviceReportController {

    private final ReportBuffer buffer;
    private final MonitoringProperties properties;

    DeviceReportController(ReportBuffer buffer, MonitoringProperties properties) {
        this.buffer = buffer;
        this.properties = properties;
    }

    @PostMapping("/heartbeat")
    ResponseEntity<Void> heartbeat(DevicePrincipal device, @Valid @RequestBody HeartbeatRequest heartbeat) {
        try {
            buffer.heartbeat(device, heartbeat);
        }
        catch (ReportBuffer.Full full) {
            throw bufferFull();
        }
        return ResponseEntity.accepted().build();
    }

    @PostMapping("/monitoring/container")
    ResponseEntity<Void> containers(DevicePrincipal device,
            @Valid @RequestBody(required = false) ContainerReportRequest report) {
        if (report != null && report.containers() != null) {
            try {
                buffer.containers(device, report.containers());
            }
            catch (ReportBuffer.Full full) {
                throw bufferFull();
            }
        }
        return ResponseEntity.accepted().build();
    }

    private EdpException bufferFull() {
        long seconds = Math.max(1, properties.bufferRetryAfter().toSeconds());
        EdpException refused = new EdpException(HttpStatus.SERVICE_UNAVAILABLE, "BUFFER_FULL", "Reports not taken",
                "Reports cannot be written right now and the buffer is full. Send again after " + seconds + " s.");
        refused.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return refused;
    }
}
