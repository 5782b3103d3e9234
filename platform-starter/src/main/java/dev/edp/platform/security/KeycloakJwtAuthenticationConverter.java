package dev.edp.platform.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Maps a Keycloak access token to an authentication: realm roles
 * ({@code realm_access.roles}) become {@code ROLE_<role>} authorities, and the principal
 * name is the user name (or the client id of a service account), which is what audit
 * records show.
 */
public class KeycloakJwtAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        return new JwtAuthenticationToken(jwt, authorities(jwt.getClaims()), principalName(jwt.getClaims()));
    }

    /**
     * @param claims token or ID-token claims
     * @return {@code ROLE_<role>} for every realm role
     */
    public static Collection<GrantedAuthority> authorities(Map<String, Object> claims) {
        if (!(claims.get("realm_access") instanceof Map<?, ?> realmAccess)
                || !(realmAccess.get("roles") instanceof List<?> roles)) {
            return List.of();
        }
        return roles.stream().map(role -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + role)).toList();
    }

    /**
     * @param claims token claims
     * @return the user name, else the client id, else the subject
     */
    public static String principalName(Map<String, Object> claims) {
        for (String claim : List.of("preferred_username", "client_id", "azp", "sub")) {
            if (claims.get(claim) instanceof String value && !value.isBlank()) {
                return value;
            }
        }
        return "unknown";
    }

}
