package dev.edp.platform.security;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;

/**
 * How every EDP security chain takes a Keycloak bearer token: realm roles as authorities
 * ({@link KeycloakJwtAuthenticationConverter}) and a missing, invalid or insufficient
 * token answered with a problem, and one that cannot be checked because Keycloak is
 * unreachable with a 503 ({@link ProblemSecurityHandlers}), written once for the
 * services' chains, the actuator chains and the portal gateway's.
 */
public final class KeycloakBearerTokens {

    private KeycloakBearerTokens() {
    }

    /**
     * A servlet chain for bearer tokens only: resource server, problem answers, no
     * session, no CSRF (a browser never attaches a bearer token by itself).
     * @param http the chain being built, its request rules already set
     * @return the same chain
     * @throws Exception as {@link HttpSecurity}'s configurers do
     */
    static HttpSecurity statelessServlet(HttpSecurity http) throws Exception {
        AuthenticationEntryPoint entryPoint = ProblemSecurityHandlers.servletEntryPoint();
        return http.oauth2ResourceServer(resourceServer -> {
            resourceServer.jwt(jwt -> jwt.jwtAuthenticationConverter(new KeycloakJwtAuthenticationConverter()))
                .authenticationEntryPoint(entryPoint)
                .accessDeniedHandler(ProblemSecurityHandlers.servletAccessDeniedHandler());
            // The DSL has no setter for the bearer filter's failure handler.
            resourceServer.addObjectPostProcessor(new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
                @Override
                public <F extends BearerTokenAuthenticationFilter> F postProcess(F filter) {
                    filter.setAuthenticationFailureHandler(ProblemSecurityHandlers.servletFailureHandler(entryPoint));
                    return filter;
                }
            });
        })
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint)
                .accessDeniedHandler(ProblemSecurityHandlers.servletAccessDeniedHandler()))
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .csrf(csrf -> csrf.disable());
    }

    /**
     * The reactive resource server (the gateways).
     * @param entryPoint how a request without a valid token is answered
     * @return the resource-server settings
     */
    public static Customizer<ServerHttpSecurity.OAuth2ResourceServerSpec> reactive(
            ServerAuthenticationEntryPoint entryPoint) {
        return resourceServer -> resourceServer
            .jwt(jwt -> jwt.jwtAuthenticationConverter(
                    new ReactiveJwtAuthenticationConverterAdapter(new KeycloakJwtAuthenticationConverter())))
            .authenticationEntryPoint(entryPoint)
            .authenticationFailureHandler(ProblemSecurityHandlers.reactiveFailureHandler(entryPoint))
            .accessDeniedHandler(ProblemSecurityHandlers.reactiveAccessDeniedHandler());
    }

}
