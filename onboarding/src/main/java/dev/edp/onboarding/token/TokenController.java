package dev.edp.onboarding.token;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListParameters;
import dev.edp.platform.web.ListRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/onboarding/v1/tokens")
@Tag(name = "Onboarding tokens",
        description = "Single-use tokens a device enrolls with; creating one registers the device")
class TokenController {

    private final TokenService tokens;

    TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Create a token (operator); the secret is in this answer only. Registers the device in "
            + "device-management, which assigns its id")
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "503",
            description = "DEVICE_REGISTRY_UNAVAILABLE: device-management did not answer; " + "nothing was stored")
    ResponseEntity<TokenRequests.Response> create(Tenant tenant, @RequestBody TokenRequests.Create request,
            @AuthenticationPrincipal Jwt caller) {
        // The caller's own token goes to device-management, which then applies the
        // caller's rights.
        TokenService.Created created = tokens.create(tenant, request, caller.getTokenValue());
        return ResponseEntity.created(URI.create("/api/onboarding/v1/tokens/" + created.token().id()))
            .cacheControl(CacheControl.noStore())
            .body(TokenRequests.Response.of(created.token(), created.secret(), Instant.now()));
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "List tokens, newest first, keyset-paged; never the secret")
    KeysetPage<TokenRequests.Response> list(Tenant tenant, @ListParameters ListRequest list) {
        return tokens.list(tenant, list);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasRole('viewer')")
    @Operation(summary = "Read a token (never its secret)")
    TokenRequests.Response get(Tenant tenant, @PathVariable UUID id) {
        return TokenRequests.Response.of(tokens.get(tenant, id), null, Instant.now());
    }

    @PostMapping("/{id}/revoke")
    @PreAuthorize("hasRole('operator')")
    @Operation(summary = "Revoke an unused token (operator)")
    @ApiResponse(responseCode = "200", description = "Revoked")
    @ApiResponse(responseCode = "409", description = "TOKEN_USED: a device enrolled with it; revoke its certificate")
    TokenRequests.Response revoke(Tenant tenant, @PathVariable UUID id) {
        return TokenRequests.Response.of(tokens.revoke(tenant, id), null, Instant.now());
    }

}
