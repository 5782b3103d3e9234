package dev.edp.onboarding.health;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The check operators run through E3 before a device is onboarded: {@code GET /onboarding/health} → 204. */
@RestController
class DeviceHealthController {

    @GetMapping("/onboarding/health")
    ResponseEntity<Void> health() {
        return ResponseEntity.noContent().build();
    }
}
