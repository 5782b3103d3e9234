package dev.edp.onboarding.token;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetPage;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/onboarding/v1/tokens")
class TokenController {

    private final TokenService tokens;

    TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    @PreAuthorize("hasRole('operator')")
    ResponseEntity<TokenRequests.Response> create(Tenant tenant, @RequestBody TokenRequests.Create request,
            @AuthenticationPrincipal Jwt caller) {
        // The caller's own token goes to device-management, which then applies the caller's rights.
        TokenService.Created created = tokens.create(tenant, request, caller.getTokenValue());
        return ResponseEntity.created(URI.create("/api/onboarding/v1/tokens/" + created.token().id()))
                .cacheControl(CacheControl.noStore())
                .body(TokenRequests.Response.of(created.token(), created.secret(), Instant.now()));
    }

    @GetMapping
    @PreAuthorize("hasRole('viewer')")
    KeysetPage<TokenRequests.Response> list(Tenant tenant, @RequestParam(required = false) UUID customerId,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return tokens.list(tenant, customerId, limit, cursor);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasRole('viewer')")
    TokenRequests.Response get(Tenant tenant, @PathVariable UUID id) {
        return TokenRequests.Response.of(tokens.get(tenant, id), null, Instant.now());
    }

    @PostMapping("/{id}/revoke")
    @PreAuthorize("hasRole('operator')")
    TokenRequests.Response revoke(Tenant tenant, @PathVariable UUID id) {
        return TokenRequests.Response.of(tokens.revoke(tenant, id), null, Instant.now());
    }
}
