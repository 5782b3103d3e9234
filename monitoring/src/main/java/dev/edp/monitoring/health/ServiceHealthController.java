package dev.edp.monitoring.health;

import java.util.List;

import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Platform service health, for platform admins (support). */
@RestController
@RequestMapping("/api/monitoring/v1/services/health")
@PreAuthorize("hasRole('platform-admin')")
@Tag(name = "Service health", description = "Health of every registered platform service instance (platform-admin)")
class ServiceHealthController {

    private final ServiceHealthRepository repository;

    ServiceHealthController(ServiceHealthRepository repository) {
        this.repository = repository;
    }

    /** The current state of every checked instance, by service and instance. */
    @GetMapping
    @Operation(summary = "Current health of every instance")
    List<ServiceHealthResponse> overview() {
        return repository.all();
    }

    /** Transitions and periodic samples, newest first, keyset-paged. */
    @GetMapping("/history")
    @Operation(summary = "Health history, newest first, keyset-paged")
    KeysetPage<ServiceHealthHistoryEntry> history(@ListParameters(customerId = false) ListRequest list,
            @RequestParam(required = false) String service) {
        Long beforeId = Cursor.decodeSingle(list.cursor(), Long::valueOf);
        return KeysetPage.of(
                repository.history(service == null || service.isBlank() ? null : service, beforeId, list.limit()),
                list.limit(), entry -> List.of(Long.toString(entry.id())));
    }

}
