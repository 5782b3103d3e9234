package dev.edp.devicemanagement.device;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Etags;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.Labels;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The operator API of the device registry. */
@RestController
@RequestMapping("/api/devices/v1/devices")
@Tag(name = "Devices", description = "The device registry")
class DeviceController {

    private final DeviceService devices;

    DeviceController(DeviceService devices) {
        this.devices = devices;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Register a device as pending onboarding (operator); the server assigns its id."
            + " Onboarding calls this when it creates a token")
    ResponseEntity<DeviceResponse> register(Tenant tenant, @Valid @RequestBody DeviceRequests.Register request) {
        Device device = devices.register(tenant, request);
        return ResponseEntity.created(URI.create("/api/devices/v1/devices/" + device.id()))
            .eTag(Etags.of(device.version()))
            .body(DeviceResponse.of(device));
    }

    @GetMapping
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "List devices, keyset-paged, filtered and sorted; decommissioned ones only when asked for")
    KeysetPage<DeviceResponse> list(Tenant tenant,
            @ListParameters(sort = "name (default) or createdAt; prefix - for descending") ListRequest list,
            @RequestParam(required = false) Environment environment,
            @Parameter(description = "default: every state but DECOMMISSIONED") @RequestParam(
                    required = false) Lifecycle lifecycle,
            @RequestParam(required = false) Connectivity connectivity, @RequestParam(required = false) UUID machineId,
            @Parameter(description = "part of the name, ignoring case") @RequestParam(required = false) String q,
            @Parameter(description = "key:value; repeat for several labels, all must match") @RequestParam(
                    required = false) List<String> label) {
        return devices.list(tenant, list,
                new DeviceFilter(environment, lifecycle, connectivity, machineId, q, Labels.filter(label)));
    }

    @GetMapping("/{id}")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Read a device (also a decommissioned one)")
    ResponseEntity<DeviceResponse> get(Tenant tenant, @PathVariable UUID id) {
        return ok(devices.get(tenant, id));
    }

    @PostMapping("/{id}/environment")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Move a device to the same or a higher environment (operator); needs If-Match."
            + " Down out of STAGING or PRODUCTION: 409 MOVE_APPROVAL_REQUIRED, use /moves")
    ResponseEntity<DeviceResponse> move(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @Valid @RequestBody DeviceRequests.Move request) {
        return ok(devices.move(tenant, id, ifMatch, Environment.valueOf(request.environment())));
    }

    @PostMapping("/{id}/decommission")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Decommission a device (operator); needs If-Match. It gets no desired state any more")
    ResponseEntity<DeviceResponse> decommission(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @AuthenticationPrincipal Jwt token) {
        return ok(devices.decommission(tenant, id, ifMatch, token.getTokenValue()));
    }

    @PutMapping("/{id}/release-override")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Pin this device to a release of its customer instead of its environment's (operator);"
            + " in STAGING or PRODUCTION only a release approved for it; If-Match optional")
    ResponseEntity<DeviceResponse> overrideRelease(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @Valid @RequestBody DeviceRequests.ReleaseOverride request) {
        return ok(devices.overrideRelease(tenant, id, ifMatch, request.releaseId()));
    }

    @DeleteMapping("/{id}/release-override")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Let this device follow its environment's release again (operator); If-Match optional")
    ResponseEntity<DeviceResponse> clearReleaseOverride(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return ok(devices.overrideRelease(tenant, id, ifMatch, null));
    }

    /** The device, with its version as the ETag. */
    private static ResponseEntity<DeviceResponse> ok(Device device) {
        return ResponseEntity.ok().eTag(Etags.of(device.version())).body(DeviceResponse.of(device));
    }

}
