package dev.edp.monitoring.alert;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Device events from device-management (service token only). */
@RestController
class DeviceEventController {

    private final AlertService service;

    DeviceEventController(AlertService service) {
        this.service = service;
    }

    @PostMapping("/api/monitoring/v1/internal/device-events")
    @PreAuthorize("hasRole('platform-service')")
    ResponseEntity<Void> receive(@Valid @RequestBody DeviceEventsRequest request) {
        service.deviceEvents(request.events());
        return ResponseEntity.noContent().build();
    }
}
