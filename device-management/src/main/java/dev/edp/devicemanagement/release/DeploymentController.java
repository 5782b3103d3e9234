package dev.edp.devicemanagement.release;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import dev.edp.devicemanagement.support.Reason;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/devices/v1")
@Tag(name = "Deployments", description = "Applications, releases, environment pins and four-eyes promotions")
class DeploymentController {

    private final DeploymentService deployments;

    DeploymentController(DeploymentService deployments) {
        this.deployments = deployments;
    }

    @PostMapping("/applications")
    @ResponseStatus(HttpStatus.CREATED)
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Create an application (operator)")
    ResponseEntity<DeploymentResponses.Application> createApplication(Tenant tenant,
            @Valid @RequestBody DeploymentRequests.Application request) {
        var app = deployments.createApplication(tenant, request);
        return ResponseEntity.created(URI.create("/api/devices/v1/applications/" + app.id())).body(app);
    }

    @GetMapping("/applications")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "List applications by name, keyset-paged")
    KeysetPage<DeploymentResponses.Application> applications(Tenant tenant, ListRequest list) {
        return deployments.applications(tenant, list);
    }

    @GetMapping("/applications/{id}")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Read an application")
    DeploymentResponses.Application application(Tenant tenant, @PathVariable UUID id) {
        return deployments.application(tenant, id);
    }

    @PostMapping("/releases")
    @ResponseStatus(HttpStatus.CREATED)
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Create an immutable release (operator)")
    ResponseEntity<DeploymentResponses.Release> createRelease(Tenant tenant,
            @Valid @RequestBody DeploymentRequests.Release request) {
        var release = deployments.createRelease(tenant, request);
        return ResponseEntity.created(URI.create("/api/devices/v1/releases/" + release.id())).body(release);
    }

    @GetMapping("/releases")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "List releases, newest first, keyset-paged")
    KeysetPage<DeploymentResponses.Release> releases(Tenant tenant, ListRequest list) {
        return deployments.releases(tenant, list);
    }

    @GetMapping("/releases/{id}")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Read a release")
    DeploymentResponses.Release release(Tenant tenant, @PathVariable UUID id) {
        return deployments.release(tenant, id);
    }

    @GetMapping("/environments")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "The release pinned to each environment")
    List<DeploymentResponses.Pin> pins(Tenant tenant, @RequestParam(required = false) UUID customerId) {
        return deployments.pins(tenant, customerId);
    }

    @PutMapping("/environments/{environment}/release")
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Pin a release to TESTING (operator); STAGING and PRODUCTION change only by promotion")
    DeploymentResponses.Pin pin(Tenant tenant, @PathVariable String environment,
            @Valid @RequestBody DeploymentRequests.Pin request) {
        return deployments.pin(tenant, environment, request);
    }

    @PostMapping("/promotions")
    @ResponseStatus(HttpStatus.CREATED)
    @HasRole(EdpRoles.OPERATOR)
    @Operation(summary = "Request a promotion (or a rollback with releaseId) into STAGING or PRODUCTION (operator)")
    ResponseEntity<DeploymentResponses.Promotion> requestPromotion(Tenant tenant,
            @Valid @RequestBody DeploymentRequests.Promotion request) {
        var promotion = deployments.requestPromotion(tenant, request);
        return ResponseEntity.created(URI.create("/api/devices/v1/promotions/" + promotion.id())).body(promotion);
    }

    @GetMapping("/promotions")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Promotion history, newest first, keyset-paged")
    KeysetPage<DeploymentResponses.Promotion> promotions(Tenant tenant, ListRequest list) {
        return deployments.promotions(tenant, list);
    }

    @GetMapping("/promotions/{id}")
    @HasRole(EdpRoles.VIEWER)
    @Operation(summary = "Read a promotion")
    DeploymentResponses.Promotion promotion(Tenant tenant, @PathVariable UUID id) {
        return deployments.promotion(tenant, id);
    }

    @PostMapping("/promotions/{id}/approve")
    @HasRole(EdpRoles.CUSTOMER_ADMIN)
    @Operation(summary = "Approve a promotion (customer-admin, not the requester); pins the target")
    DeploymentResponses.Promotion approve(Tenant tenant, @PathVariable UUID id,
            @Valid @RequestBody(required = false) Reason decision) {
        return deployments.decide(tenant, id, true, Reason.of(decision));
    }

    @PostMapping("/promotions/{id}/reject")
    @HasRole(EdpRoles.CUSTOMER_ADMIN)
    @Operation(summary = "Reject a promotion (customer-admin, not the requester)")
    DeploymentResponses.Promotion reject(Tenant tenant, @PathVariable UUID id,
            @Valid @RequestBody(required = false) Reason decision) {
        return deployments.decide(tenant, id, false, Reason.of(decision));
    }

}
