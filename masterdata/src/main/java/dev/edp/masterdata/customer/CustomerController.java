package dev.edp.masterdata.customer;

import java.util.UUID;

import dev.edp.masterdata.support.VersionedResponses;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/masterdata/v1/customers")
@Tag(name = "Customers", description = "The tenants of the platform")
class CustomerController {

    private final CustomerService customers;

    CustomerController(CustomerService customers) {
        this.customers = customers;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @HasRole(EdpRoles.PLATFORM_ADMIN)
    @Operation(summary = "Create a customer (platform-admin)")
    ResponseEntity<CustomerResponse> create(Tenant tenant, @Valid @RequestBody CustomerRequests.Create request) {
        Customer customer = customers.create(tenant, request);
        return VersionedResponses.created("/api/masterdata/v1/customers/" + customer.id(), customer.version(),
                CustomerResponse.of(customer));
    }

    @GetMapping
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "List customers: all for a platform-admin, one's own for everyone else")
    KeysetPage<CustomerResponse> list(Tenant tenant,
            @ListParameters(sort = "name (default) or createdAt; prefix - for descending",
                    customerId = false) ListRequest list,
            @RequestParam(required = false) CustomerStatus status, @Parameter(
                    description = "part of the name or code, ignoring case") @RequestParam(required = false) String q) {
        return customers.list(tenant, list, status, q);
    }

    @GetMapping("/{id}")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Read a customer, including its status")
    ResponseEntity<CustomerResponse> get(Tenant tenant, @PathVariable UUID id) {
        return ok(customers.get(tenant, id));
    }

    /**
     * Whether a customer is active, for the other services' check of every caller
     * (platform-starter's {@code dev.edp.platform.customer}). Any caller may ask about
     * their own customer, whatever their role; a deactivated customer's own callers are
     * refused before this runs (403 {@code CUSTOMER_DEACTIVATED}), which the checking
     * services read as the same answer. The platform's services (role
     * {@code platform-service}, no customer) may ask about any customer.
     */
    @GetMapping("/{id}/status")
    @PreAuthorize("isAuthenticated()")
    @Operation(
            summary = "A customer's status only: ACTIVE or DEACTIVATED (the caller's own customer, or any for a platform-admin or a platform service)")
    CustomerStatusResponse status(Tenant tenant, @PathVariable UUID id) {
        return new CustomerStatusResponse(id, customers.status(tenant, id));
    }

    @PatchMapping("/{id}")
    @HasRole(EdpRoles.PLATFORM_ADMIN)
    @Operation(summary = "Rename a customer or change its contact (platform-admin); needs If-Match")
    ResponseEntity<CustomerResponse> update(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @Valid @RequestBody CustomerRequests.Update request) {
        return ok(customers.update(tenant, id, ifMatch, request));
    }

    @PostMapping("/{id}/deactivate")
    @HasRole(EdpRoles.PLATFORM_ADMIN)
    @Operation(summary = "Deactivate a customer and disable its users in Keycloak (platform-admin)")
    ResponseEntity<CustomerResponse> deactivate(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return ok(customers.deactivate(tenant, id, ifMatch));
    }

    @PostMapping("/{id}/activate")
    @HasRole(EdpRoles.PLATFORM_ADMIN)
    @Operation(summary = "Reactivate a customer (platform-admin); its users stay disabled until enabled again")
    ResponseEntity<CustomerResponse> activate(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return ok(customers.activate(tenant, id, ifMatch));
    }

    private static ResponseEntity<CustomerResponse> ok(Customer customer) {
        return VersionedResponses.ok(customer.version(), CustomerResponse.of(customer));
    }

}
