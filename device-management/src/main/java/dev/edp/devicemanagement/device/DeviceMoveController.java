package dev.edp.devicemanagement.device;

import java.net.URI;
import java.util.UUID;

import dev.edp.devicemanagement.support.Reason;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Four-eyes moves of devices out of STAGING or PRODUCTION into a lower environment. */
@RestController
@RequestMapping("/api/devices/v1/moves")
@Tag(name = "Device moves",
        description = "Moving a device down out of STAGING or PRODUCTION, approved by a second person")
class DeviceMoveController {

    private final DeviceMoveService moves;

    DeviceMoveController(DeviceMoveService moves) {
        this.moves = moves;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Request moving a device down out of STAGING or PRODUCTION (operator); If-Match optional")
    ResponseEntity<DeviceMove> request(Tenant tenant,
            @Parameter(description = "the device's ETag, checked when sent") @RequestHeader(
                    value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @Valid @RequestBody DeviceRequests.MoveRequest request) {
        DeviceMove move = moves.request(tenant, request, ifMatch);
        return ResponseEntity.created(URI.create("/api/devices/v1/moves/" + move.id())).body(move);
    }

    @GetMapping
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Move requests, newest first, keyset-paged")
    KeysetPage<DeviceMove> list(Tenant tenant, ListRequest list) {
        return moves.list(tenant, list);
    }

    @GetMapping("/{id}")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Read a move request")
    DeviceMove get(Tenant tenant, @PathVariable UUID id) {
        return moves.get(tenant, id);
    }

    @PostMapping("/{id}/approve")
    @HasRole(EdpRoles.CUSTOMER_ADMIN)
    @Operation(summary = "Approve a move (customer-admin, not the requester); moves the device")
    DeviceMove approve(Tenant tenant, @PathVariable UUID id, @Valid @RequestBody(required = false) Reason decision) {
        return moves.decide(tenant, id, true, Reason.of(decision));
    }

    @PostMapping("/{id}/reject")
    @HasRole(EdpRoles.CUSTOMER_ADMIN)
    @Operation(summary = "Reject a move (customer-admin, not the requester)")
    DeviceMove reject(Tenant tenant, @PathVariable UUID id, @Valid @RequestBody(required = false) Reason decision) {
        return moves.decide(tenant, id, false, Reason.of(decision));
    }

}
