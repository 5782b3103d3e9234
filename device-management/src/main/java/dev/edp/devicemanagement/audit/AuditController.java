package dev.edp.devicemanagement.audit;

import java.util.UUID;

import dev.edp.platform.audit.AuditEntry;
import dev.edp.platform.audit.AuditTrail;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail of the device registry and deployments, as masterdata shows its own.
 */
@RestController
@RequestMapping("/api/devices/v1/audit")
@Tag(name = "Audit", description = "Who changed what, when, with before and after")
class AuditController {

    private final AuditTrail audit;

    AuditController(AuditTrail audit) {
        this.audit = audit;
    }

    @GetMapping
    @HasRole(EdpRoles.CUSTOMER_ADMIN)
    @Transactional(readOnly = true)
    @Operation(summary = "The audit trail, newest first, keyset-paged (customer-admin: own customer; platform-admin:"
            + " any or all)")
    KeysetPage<AuditEntry> list(Tenant tenant, ListRequest list, @Parameter(
            description = "only records about this entity, e.g. a device id (the device page's trail)") @RequestParam(
                    required = false) UUID entityId) {
        return audit.page(list.scope(tenant), entityId == null ? null : entityId.toString(), list);
    }

}
