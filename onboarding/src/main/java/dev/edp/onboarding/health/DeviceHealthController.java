package dev.edp.onboarding.health;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The check operators run through E3 before a device is onboarded:
 * {@code GET /onboarding/health} → 204.
 */
@RestController
@Tag(name = "Device: health", description = "The check operators run against E3")
class DeviceHealthController {

    @GetMapping("/onboarding/health")
    @Operation(summary = "Onboarding is reachable (no credentials)")
    @ApiResponse(responseCode = "204", description = "Reachable")
    ResponseEntity<Void> health() {
        return ResponseEntity.noContent().build();
    }

}
