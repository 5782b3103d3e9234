package dev.edp.masterdata.audit;

import java.util.UUID;

import dev.edp.masterdata.customer.CustomerService;
import dev.edp.platform.audit.AuditEntry;
import dev.edp.platform.audit.AuditTrail;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/masterdata/v1/customers/{customerId}/audit")
@Tag(name = "Audit", description = "Who changed what of a customer, when, with before and after")
class AuditController {

    private final AuditTrail audit;

    private final CustomerService customers;

    AuditController(AuditTrail audit, CustomerService customers) {
        this.audit = audit;
        this.customers = customers;
    }

    @GetMapping
    @HasRole(EdpRoles.CUSTOMER_ADMIN)
    @Transactional(readOnly = true)
    @Operation(summary = "A customer's audit trail, newest first (customer-admin of that customer or platform-admin)")
    KeysetPage<AuditEntry> list(Tenant tenant, @PathVariable UUID customerId,
            @ListParameters(customerId = false) ListRequest list) {
        tenant.requireAccess(customerId, "Customer " + customerId);
        customers.requireExisting(customerId);
        return audit.page(customerId, list);
    }

}
