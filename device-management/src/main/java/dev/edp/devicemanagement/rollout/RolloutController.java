package dev.edp.devicemanagement.rollout;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import dev.edp.devicemanagement.device.Environment;
import dev.edp.devicemanagement.support.Reason;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/devices/v1/rollouts")
@Tag(name = "Rollouts", description = "Phased rollouts of a release to an environment's devices, in groups")
class RolloutController {

    private static final String PATH = "/api/devices/v1/rollouts/";

    private final RolloutService rollouts;

    RolloutController(RolloutService rollouts) {
        this.rollouts = rollouts;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Start a rollout into TESTING (operator); STAGING and PRODUCTION start from an approved "
            + "promotion (409 PROMOTION_REQUIRED)")
    ResponseEntity<Rollout> create(Tenant tenant, @Valid @RequestBody RolloutRequests.Create request) {
        Rollout rollout = rollouts.create(tenant, request);
        return ResponseEntity.created(URI.create(PATH + rollout.id())).body(rollout);
    }

    @PostMapping("/preview")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "What a rollout would target, group by group (nothing written)")
    Rollout.Preview preview(Tenant tenant, @Valid @RequestBody RolloutRequests.Create request) {
        return rollouts.preview(tenant, request);
    }

    @GetMapping
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Rollouts, newest first, keyset-paged")
    KeysetPage<Rollout> list(Tenant tenant, ListRequest list, @RequestParam(required = false) Environment environment,
            @RequestParam(required = false) RolloutStatus status) {
        return rollouts.list(tenant, list, environment, status);
    }

    @GetMapping("/{id}")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Read a rollout with its groups and their counts")
    Rollout get(Tenant tenant, @PathVariable UUID id) {
        return rollouts.get(tenant, id);
    }

    @GetMapping("/{id}/devices")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "The rollout's devices and their status, by device id, keyset-paged")
    KeysetPage<Rollout.Device> devices(Tenant tenant, @PathVariable UUID id,
            @ListParameters(customerId = false) ListRequest list, @RequestParam(required = false) Integer group,
            @RequestParam(required = false) RolloutDeviceStatus status) {
        return rollouts.devices(tenant, id, list, group, status);
    }

    @GetMapping("/{id}/devices/{deviceId}/events")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "A device's status history in the rollout, oldest first")
    List<Rollout.Event> events(Tenant tenant, @PathVariable UUID id, @PathVariable UUID deviceId) {
        return rollouts.events(tenant, id, deviceId);
    }

    @PostMapping("/{id}/pause")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Pause a RUNNING or WAITING rollout: no further device is handed the release")
    Rollout pause(Tenant tenant, @PathVariable UUID id, @Valid @RequestBody(required = false) Reason action) {
        return rollouts.pause(tenant, id, Reason.of(action));
    }

    @PostMapping("/{id}/resume")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Resume a PAUSED rollout; its active group is evaluated again, its timeout restarts")
    Rollout resume(Tenant tenant, @PathVariable UUID id, @Valid @RequestBody(required = false) Reason action) {
        return rollouts.resume(tenant, id);
    }

    @PostMapping("/{id}/continue")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Start the next group of a WAITING (MANUAL) rollout")
    Rollout proceed(Tenant tenant, @PathVariable UUID id, @Valid @RequestBody(required = false) Reason action) {
        return rollouts.proceed(tenant, id);
    }

    @PostMapping("/{id}/cancel")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Cancel a RUNNING, WAITING or PAUSED rollout")
    Rollout cancel(Tenant tenant, @PathVariable UUID id, @Valid @RequestBody(required = false) Reason action) {
        return rollouts.cancel(tenant, id);
    }

    @PostMapping("/{id}/rollback")
    @ResponseStatus(HttpStatus.CREATED)
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Roll back: a new rollout of the previous release to the delivered devices (default one "
            + "group of 100 %); the original becomes ROLLED_BACK")
    ResponseEntity<Rollout> rollback(Tenant tenant, @PathVariable UUID id,
            @Valid @RequestBody(required = false) RolloutPlan plan) {
        Rollout rollout = rollouts.rollback(tenant, id, plan);
        return ResponseEntity.created(URI.create(PATH + rollout.id())).body(rollout);
    }

}
