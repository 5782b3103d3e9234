package dev.edp.masterdata.user;

import java.net.URI;
import java.util.UUID;

import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/masterdata/v1/customers/{customerId}/users")
@Tag(name = "Users", description = "Users of a customer, kept in Keycloak")
@HasRole(EdpRoles.CUSTOMER_ADMIN)
class UserController {

    private final UserService users;

    UserController(UserService users) {
        this.users = users;
    }

    @PostMapping
    @Operation(summary = "Create a user who can log in right away; the one-time password is shown only here")
    ResponseEntity<CreatedUserResponse> create(Tenant tenant, @PathVariable UUID customerId,
            @Valid @RequestBody UserRequests.Create request) {
        CreatedUserResponse created = users.create(tenant, customerId, request);
        return ResponseEntity
            .created(URI.create("/api/masterdata/v1/customers/" + customerId + "/users/" + created.user().id()))
            .cacheControl(CacheControl.noStore())
            .body(created);
    }

    @GetMapping
    @Operation(summary = "List a customer's users, ordered by username")
    KeysetPage<UserResponse> list(Tenant tenant, @PathVariable UUID customerId,
            @ListParameters(customerId = false) ListRequest list) {
        return users.list(tenant, customerId, list);
    }

    @GetMapping("/{userId}")
    @Operation(summary = "Read a user")
    UserResponse get(Tenant tenant, @PathVariable UUID customerId, @PathVariable String userId) {
        return users.get(tenant, customerId, userId);
    }

    @PutMapping("/{userId}/role")
    @Operation(summary = "Change a user's role")
    UserResponse changeRole(Tenant tenant, @PathVariable UUID customerId, @PathVariable String userId,
            @Valid @RequestBody UserRequests.ChangeRole request) {
        return users.changeRole(tenant, customerId, userId, request.role());
    }

    @PostMapping("/{userId}/disable")
    @Operation(summary = "Disable a user: they can no longer log in")
    UserResponse disable(Tenant tenant, @PathVariable UUID customerId, @PathVariable String userId) {
        return users.setEnabled(tenant, customerId, userId, false);
    }

    @PostMapping("/{userId}/enable")
    @Operation(summary = "Enable a disabled user again")
    UserResponse enable(Tenant tenant, @PathVariable UUID customerId, @PathVariable String userId) {
        return users.setEnabled(tenant, customerId, userId, true);
    }

}
