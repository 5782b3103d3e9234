package dev.edp.monitoring.ingest;

import dev.edp.monitoring.MonitoringProblem;
import dev.edp.monitoring.config.MonitoringProperties;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.problem.EdpException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What devices send through E3. Both endpoints only validate and buffer, and answer
 * {@code 202}: {@link ReportBuffer} writes in batches, also through a database outage.
 * When the buffer is full (a long outage) they answer 503 {@code BUFFER_FULL} with
 * {@code Retry-After}: refused, never dropped silently, and the agent sends again.
 */
@RestController
@RequestMapping("/monitoring/api/v1")
@Tag(name = "Device: heartbeats and container reports", description = "For device agents, through E3")
class DeviceReportController {

    private static final String BUFFER_FULL_DESCRIPTION = "BUFFER_FULL: reports cannot be written right now and "
            + "the buffer is full; nothing is kept, send again after Retry-After";

    private final ReportBuffer buffer;

    private final MonitoringProperties properties;

    DeviceReportController(ReportBuffer buffer, MonitoringProperties properties) {
        this.buffer = buffer;
        this.properties = properties;
    }

    @PostMapping("/heartbeat")
    @Operation(summary = "A heartbeat: accepted at once and written in the next batch")
    @ApiResponse(responseCode = "202", description = "Accepted")
    @ApiResponse(responseCode = "400",
            description = "VALIDATION_FAILED (errors list the fields; used above total, "
                    + "running above total, text with NUL), MALFORMED_REQUEST_BODY; nothing is kept")
    @ApiResponse(responseCode = "503", description = BUFFER_FULL_DESCRIPTION)
    ResponseEntity<Void> heartbeat(DevicePrincipal device, @Valid @RequestBody HeartbeatRequest heartbeat) {
        return accepted(() -> buffer.heartbeat(device, heartbeat));
    }

    @PostMapping("/monitoring/container")
    @Operation(summary = "What runs on the device; a list replaces the previous report, {} changes nothing")
    @ApiResponse(responseCode = "202", description = "Accepted")
    @ApiResponse(responseCode = "400",
            description = "VALIDATION_FAILED (unknown state, duplicate names, more than 200 "
                    + "containers, text with NUL), MALFORMED_REQUEST_BODY (also no body at all); nothing is kept")
    @ApiResponse(responseCode = "503", description = BUFFER_FULL_DESCRIPTION)
    ResponseEntity<Void> containers(DevicePrincipal device, @Valid @RequestBody ContainerReportRequest report) {
        return accepted(() -> {
            if (report.containers() != null) {
                buffer.containers(device, report.containers());
            }
        });
    }

    /**
     * Hands a report to the buffer: 202, or 503 {@code BUFFER_FULL} with Retry-After when
     * the buffer is full.
     */
    private ResponseEntity<Void> accepted(Runnable buffering) {
        try {
            buffering.run();
        }
        catch (ReportBuffer.Full full) {
            throw bufferFull();
        }
        return ResponseEntity.accepted().build();
    }

    private EdpException bufferFull() {
        long seconds = Math.max(1, properties.bufferRetryAfter().toSeconds());
        return MonitoringProblem.BUFFER_FULL
            .exception(
                    "Reports cannot be written right now and the buffer is full. Send again after " + seconds + " s.")
            .retryAfter(seconds);
    }

}
