package dev.edp.gateway.me;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.platform.security.Tenant;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/me}: who the caller is, for the portal and for API clients checking
 * their token.
 */
@RestController
class MeController {

    @GetMapping("/api/me")
    Mono<Me> me(Authentication authentication) {
        Map<String, Object> claims;
        String name = null;
        String email = null;
        String via;
        if (authentication instanceof JwtAuthenticationToken token) {
            claims = token.getToken().getClaims();
            via = "bearer";
        }
        else if (authentication.getPrincipal() instanceof OidcUser user) {
            claims = user.getClaims();
            name = user.getFullName();
            email = user.getEmail();
            via = "session";
        }
        else {
            claims = Map.of("sub", authentication.getName());
            via = "other";
        }
        Tenant tenant = Tenant.fromClaims(claims);
        return Mono
            .just(new Me(tenant.subject(), tenant.username(), name, email, tenant.roles().stream().sorted().toList(),
                    tenant.customerId().orElse(null), tenant.isPlatformAdmin(), via));
    }

    /**
     * @param subject the Keycloak user (or service account) id
     * @param username the user name or client id
     * @param name the full name, for browser users
     * @param email the email, for browser users
     * @param roles realm roles
     * @param customerId the caller's customer, if any
     * @param platformAdmin whether the caller may act for every customer
     * @param authenticatedBy {@code session} (portal) or {@code bearer} (API client)
     */
    record Me(String subject, String username, String name, String email, List<String> roles, UUID customerId,
            boolean platformAdmin, String authenticatedBy) {
    }

}
