package dev.edp.masterdata.audit;

import java.util.UUID;

import dev.edp.masterdata.support.NotFound;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.KeysetPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/masterdata/v1/customers/{customerId}/audit")
@Tag(name = "Audit", description = "Who changed what of a customer, when, with before and after")
class AuditController {

    private final AuditRepository audit;

    AuditController(AuditRepository audit) {
        this.audit = audit;
    }

    @GetMapping
    @PreAuthorize("hasRole('customer-admin')")
    @Transactional(readOnly = true)
    @Operation(summary = "A customer's audit trail, newest first (customer-admin of that customer or platform-admin)")
    KeysetPage<AuditEventResponse> list(Tenant tenant, @PathVariable UUID customerId,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        tenant.requireAccess(customerId, "Customer " + customerId);
        int size = Cursor.limit(limit);
        var after = AuditRepository.ORDER.after(cursor);
        if (!audit.customerExists(customerId)) {
            throw NotFound.of("Customer " + customerId);
        }
        return KeysetPage.of(audit.page(customerId, after, size), size,
                event -> AuditRepository.ORDER.cursorOf(event.at(), event.id()));
    }
}
