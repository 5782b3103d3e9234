package dev.edp.monitoring.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.edp.monitoring.MonitoringProblem;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' view of device status and heartbeat history; another customer's device is
 * 404.
 */
@RestController
@RequestMapping("/api/monitoring/v1/devices")
@Tag(name = "Device status", description = "Connectivity and the latest heartbeat of devices")
class StatusController {

    private static final int MAX_HISTORY = 10_080;

    private final StatusRepository status;

    private final Clock clock;

    StatusController(StatusRepository status, Clock clock) {
        this.status = status;
        this.clock = clock;
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List device statuses by device id, keyset-paged, optionally ONLINE or OFFLINE only")
    KeysetPage<DeviceStatusResponse> list(Tenant tenant, @ListParameters ListRequest list,
            @RequestParam(required = false) String connectivity) {
        UUID scope = list.scope(tenant);
        if (connectivity != null && !connectivity.equals("ONLINE") && !connectivity.equals("OFFLINE")) {
            throw MonitoringProblem.INVALID_CONNECTIVITY.exception("connectivity must be ONLINE or OFFLINE.");
        }
        UUID afterId = Cursor.decodeSingle(list.cursor(), UUID::fromString);
        return KeysetPage.of(status.page(scope, connectivity, afterId, list.limit()), list.limit(),
                device -> List.of(device.deviceId().toString()));
    }

    @GetMapping("/{deviceId}/status")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "A device's latest status, connectivity, heartbeat values and container report")
    DeviceStatusResponse get(Tenant tenant, @PathVariable UUID deviceId) {
        DeviceStatusResponse device = visible(tenant, deviceId);
        return device.withContainerStates(status.containers(deviceId));
    }

    @GetMapping("/{deviceId}/heartbeats")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "A device's downsampled heartbeat history (default the last 24 h)")
    List<HeartbeatPoint> heartbeats(Tenant tenant, @PathVariable UUID deviceId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(required = false) Integer limit) {
        if (!KeysetQuery.isStorable(from) || !KeysetQuery.isStorable(to)) {
            // Years PostgreSQL cannot hold, or where a day more or less overflows an
            // Instant: was a 500.
            throw MonitoringProblem.INVALID_RANGE.exception("from and to must lie in the years 1 to 9999.");
        }
        visible(tenant, deviceId);
        Instant end = to == null ? clock.instant() : to;
        Instant start = from == null ? end.minus(Duration.ofDays(1)) : from;
        if (!start.isBefore(end)) {
            throw MonitoringProblem.INVALID_RANGE.exception("from must be before to.");
        }
        int size = limit == null ? 1440 : limit;
        if (size < 1 || size > MAX_HISTORY) {
            throw MonitoringProblem.INVALID_LIMIT.exception("limit must be between 1 and " + MAX_HISTORY + ".");
        }
        return status.history(deviceId, start, end, size);
    }

    private DeviceStatusResponse visible(Tenant tenant, UUID deviceId) {
        DeviceStatusResponse device = status.find(deviceId).orElseThrow(() -> NotFound.of("Device " + deviceId));
        tenant.requireAccess(device.customerId(), "Device " + deviceId);
        return device;
    }

}
