package dev.edp.monitoring.alert;

import java.util.List;
import java.util.UUID;

import dev.edp.monitoring.MonitoringProblem;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Alerts of the caller's customer (platform alerts only for platform admins); another
 * customer's alert is 404 like an unknown one.
 */
@RestController
@RequestMapping("/api/monitoring/v1/alerts")
@Tag(name = "Alerts", description = "Open and resolved alerts of devices and platform services")
class AlertController {

    private final AlertRepository alerts;

    private final java.time.Clock clock;

    AlertController(AlertRepository alerts, java.time.Clock clock) {
        this.alerts = alerts;
        this.clock = clock;
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List alerts, newest first by default, keyset-paged (platform alerts: platform admins only)")
    KeysetPage<AlertResponse> list(Tenant tenant,
            @ListParameters(sort = "-openedAt (default, newest first) or openedAt") ListRequest list,
            @RequestParam(required = false) String state, @RequestParam(required = false) String type) {
        UUID scope = list.scope(tenant);
        Boolean open = switch (state == null ? "" : state.toUpperCase()) {
            case "" -> null;
            case "OPEN" -> true;
            case "RESOLVED" -> false;
            default -> throw MonitoringProblem.INVALID_STATE.exception("state must be OPEN or RESOLVED.");
        };
        AlertType alertType = null;
        if (type != null) {
            try {
                alertType = AlertType.valueOf(type);
            }
            catch (IllegalArgumentException ex) {
                throw MonitoringProblem.INVALID_TYPE
                    .exception("type must be one of " + List.of(AlertType.values()) + ".");
            }
        }
        return alerts.page(list.keyset(AlertRepository.SORTS), scope, open, alertType);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Read an alert")
    AlertResponse get(Tenant tenant, @PathVariable UUID id) {
        return visible(tenant, id);
    }

    /** Idempotent: acknowledging twice keeps the first acknowledgement. */
    @PostMapping("/{id}/acknowledge")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Acknowledge an alert (operator); the first acknowledgement stays")
    @ApiResponse(responseCode = "200", description = "Acknowledged")
    @ApiResponse(responseCode = "409", description = "ALERT_RESOLVED: the alert is resolved")
    AlertResponse acknowledge(Tenant tenant, @PathVariable UUID id) {
        AlertResponse alert = visible(tenant, id);
        if (alert.acknowledgedAt() != null) {
            return alert;
        }
        if (alert.resolvedAt() != null) {
            throw MonitoringProblem.ALERT_RESOLVED
                .exception("Alert " + id + " resolved at " + alert.resolvedAt() + "; there is nothing to acknowledge.");
        }
        return alerts.acknowledge(id, tenant.username(), clock.instant()).or(() -> alerts.find(id)).orElseThrow();
    }

    private AlertResponse visible(Tenant tenant, UUID id) {
        AlertResponse alert = alerts.find(id).orElseThrow(() -> NotFound.of("Alert " + id));
        tenant.requireAccess(alert.customerId(), "Alert " + id);
        return alert;
    }

}
