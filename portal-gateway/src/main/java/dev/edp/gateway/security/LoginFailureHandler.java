package dev.edp.gateway.security;

import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import dev.edp.platform.security.ProblemSecurityHandlers;
import reactor.core.publisher.Mono;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * A login that fails because Keycloak cannot be reached (it is down or restarting while
 * the browser comes back with its code) says so: 503
 * {@code IDENTITY_PROVIDER_UNAVAILABLE} with {@code Retry-After}, instead of a 500 (the
 * token request's connection failure is no authentication failure to Spring Security, so
 * it escaped the login filter) or Spring's generic redirect to {@code /login?error},
 * which reads as "wrong password". Other failures keep that redirect. Sessions that exist
 * and API calls with unexpired tokens do not need Keycloak and keep working. Both a
 * {@link WebFilter} around the login callback (for the escaped errors) and the login's
 * failure handler (for those Spring Security wraps).
 */
final class LoginFailureHandler implements ServerAuthenticationFailureHandler, WebFilter {

    private static final String CALLBACK = "/login/oauth2/code/";

    private final ServerAuthenticationFailureHandler otherwise = new RedirectServerAuthenticationFailureHandler(
            "/login?error");

    @Override
    public Mono<Void> onAuthenticationFailure(WebFilterExchange exchange, AuthenticationException failure) {
        if (!identityProviderUnreachable(failure)) {
            return otherwise.onAuthenticationFailure(exchange, failure);
        }
        return unavailable(exchange.getExchange());
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().pathWithinApplication().value().startsWith(CALLBACK)) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange)
            .onErrorResume(LoginFailureHandler::identityProviderUnreachable,
                    failure -> exchange.getResponse().isCommitted() ? Mono.error(failure) : unavailable(exchange));
    }

    private static Mono<Void> unavailable(ServerWebExchange exchange) {
        return ProblemSecurityHandlers.writeIdentityProviderUnavailable(exchange,
                "The identity provider cannot be reached, so logging in is not possible right now. Try again in a minute.");
    }

    /**
     * A connection that failed, was refused or timed out anywhere in the causes (never a
     * refusal by Keycloak).
     */
    static boolean identityProviderUnreachable(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

}
