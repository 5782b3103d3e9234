package dev.edp.masterdata.audit;

import java.util.UUID;

import dev.edp.masterdata.support.NotFound;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.audit.AuditEntry;
import dev.edp.platform.audit.AuditTrail;
import dev.edp.platform.web.KeysetPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.jdbc.core.simple.JdbcClient;
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

    private final AuditTrail audit;

    private final JdbcClient jdbc;

    AuditController(AuditTrail audit, JdbcClient jdbc) {
        this.audit = audit;
        this.jdbc = jdbc;
    }

    @GetMapping
    @PreAuthorize("hasRole('customer-admin')")
    @Transactional(readOnly = true)
    @Operation(summary = "A customer's audit trail, newest first (customer-admin of that customer or platform-admin)")
    KeysetPage<AuditEntry> list(Tenant tenant, @PathVariable UUID customerId,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        tenant.requireAccess(customerId, "Customer " + customerId);
        if (!jdbc.sql("SELECT EXISTS (SELECT 1 FROM customer WHERE id = :id)").param("id", customerId)
                .query(Boolean.class).single()) {
            throw NotFound.of("Customer " + customerId);
        }
        return audit.page(customerId, limit, cursor);
    }
}
