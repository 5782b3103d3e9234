package dev.edp.monitoring.alert;

import java.util.List;
import java.util.Map;

import dev.edp.monitoring.batch.SqlFailures;
import dev.edp.platform.problem.PlatformProblem;
import jakarta.validation.Valid;

import org.springframework.dao.DataAccessException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Device and rollout events from device-management (service token only). */
@RestController
class DeviceEventController {

    private final AlertService service;

    DeviceEventController(AlertService service) {
        this.service = service;
    }

    /**
     * All events in one transaction. Each event names exactly one of device and rollout,
     * the one its type is about; otherwise 400 {@code VALIDATION_FAILED} and nothing of
     * the batch is written. A value PostgreSQL cannot store (SQLState class 22, e.g. a
     * time beyond its range) is the sender's mistake: 400 {@code VALIDATION_FAILED} and
     * nothing is written, so device-management's relay sends the batch again one event at
     * a time and gives up on the bad one alone (a 5xx would make it retry the whole
     * batch).
     */
    @PostMapping("/api/monitoring/v1/internal/device-events")
    @PreAuthorize("hasRole('platform-service')")
    ResponseEntity<Void> receive(@Valid @RequestBody DeviceEventsRequest request) {
        List<Map<String, String>> errors = request.subjectErrors();
        if (!errors.isEmpty()) {
            throw PlatformProblem.VALIDATION_FAILED
                .exception("The request has %d invalid event(s); nothing was written.".formatted(errors.size()))
                .with("errors", errors);
        }
        try {
            service.deviceEvents(request.events());
        }
        catch (DataAccessException ex) {
            String state = SqlFailures.sqlState(ex);
            if (state == null || !state.startsWith("22")) {
                throw ex;
            }
            throw PlatformProblem.VALIDATION_FAILED
                .exception("A value of the request cannot be stored; nothing was written.")
                .with("errors", List.of(Map.of("field", "events", "message",
                        "refused by the database: " + SqlFailures.describe(state, ex))));
        }
        return ResponseEntity.noContent().build();
    }

}
