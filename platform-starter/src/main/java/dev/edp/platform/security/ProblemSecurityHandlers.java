package dev.edp.platform.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.edp.platform.logging.LogWindow;
import dev.edp.platform.problem.PlatformProblem;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * 401 and 403 as problem details, for both web stacks. The {@code WWW-Authenticate}
 * header is the one the bearer-token handlers of Spring Security compute (RFC 6750), the
 * body is ours. A token that cannot be checked because the identity provider's keys
 * cannot be fetched is no fault of the caller: 503 {@code IDENTITY_PROVIDER_UNAVAILABLE}
 * with {@code Retry-After}, where Spring Security would rethrow it as a 500.
 */
public final class ProblemSecurityHandlers {

    private static final Logger log = LoggerFactory.getLogger(ProblemSecurityHandlers.class);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemSecurityHandlers() {
    }

    static ProblemDetail unauthorized() {
        return PlatformProblem.UNAUTHORIZED.problem("A valid access token is required.");
    }

    static ProblemDetail forbidden() {
        return PlatformProblem.FORBIDDEN.problem("Your role does not allow this request.");
    }

    private static final String TOKEN_NOT_CHECKABLE = "The identity provider cannot be reached, so the access "
            + "token cannot be checked right now. Retry after " + PlatformProblem.IDENTITY_PROVIDER_RETRY_AFTER_SECONDS
            + " s.";

    /** A line per 10 s, not per request, during a long identity provider outage. */
    private static final LogWindow NOT_CHECKABLE_LOG = new LogWindow(Duration.ofSeconds(10), Clock.systemUTC());

    private static String tokenNotCheckable(AuthenticationServiceException failure) {
        long heldBack = NOT_CHECKABLE_LOG.heldBackIfDue();
        if (heldBack >= 0) {
            log.warn("A bearer token could not be checked{}: {}", LogWindow.andMore(heldBack), failure.getMessage());
        }
        return TOKEN_NOT_CHECKABLE;
    }

    private static String retryAfter() {
        return Integer.toString(PlatformProblem.IDENTITY_PROVIDER_RETRY_AFTER_SECONDS);
    }

    /**
     * Answers 503 {@code IDENTITY_PROVIDER_UNAVAILABLE} with its {@code Retry-After}
     * (reactive stack: the bearer filter's failures, the gateway's login).
     * @param exchange the exchange
     * @param detail what could not be done
     * @return completion
     */
    public static Mono<Void> writeIdentityProviderUnavailable(ServerWebExchange exchange, String detail) {
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter());
        return write(exchange, PlatformProblem.IDENTITY_PROVIDER_UNAVAILABLE.problem(detail));
    }

    static byte[] body(ProblemDetail problem) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", problem.getType().toString());
        map.put("title", problem.getTitle());
        map.put("status", problem.getStatus());
        map.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            map.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            map.putAll(problem.getProperties());
        }
        return JSON.writeValueAsBytes(map);
    }

    /**
     * @return the servlet entry point: 401 problem
     */
    public static AuthenticationEntryPoint servletEntryPoint() {
        BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
        return (request, response, exception) -> {
            bearer.commence(request, response, exception);
            writeServlet(response, unauthorized());
        };
    }

    /**
     * @return the servlet access-denied handler: 403 problem
     */
    public static AccessDeniedHandler servletAccessDeniedHandler() {
        BearerTokenAccessDeniedHandler bearer = new BearerTokenAccessDeniedHandler();
        return (request, response, exception) -> {
            bearer.handle(request, response, exception);
            writeServlet(response, forbidden());
        };
    }

    /**
     * @param entryPoint how a missing or invalid token is answered
     * @return the bearer filter's failure handler: 503 when the token could not be
     * checked, otherwise the entry point
     */
    static AuthenticationFailureHandler servletFailureHandler(AuthenticationEntryPoint entryPoint) {
        return (request, response, failure) -> {
            if (failure instanceof AuthenticationServiceException unavailable) {
                response.setHeader(HttpHeaders.RETRY_AFTER, retryAfter());
                writeServlet(response,
                        PlatformProblem.IDENTITY_PROVIDER_UNAVAILABLE.problem(tokenNotCheckable(unavailable)));
                return;
            }
            entryPoint.commence(request, response, failure);
        };
    }

    private static void writeServlet(HttpServletResponse response, ProblemDetail problem) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(body(problem));
    }

    /**
     * @return the reactive entry point: 401 problem
     */
    public static ServerAuthenticationEntryPoint reactiveEntryPoint() {
        // Spring's reactive bearer entry point completes the response itself, so the RFC
        // 6750 challenge is set here, before the body is written.
        return (exchange, exception) -> {
            exchange.getResponse()
                .getHeaders()
                .set(HttpHeaders.WWW_AUTHENTICATE, exception instanceof OAuth2AuthenticationException
                        ? "Bearer error=\"invalid_token\"" : "Bearer");
            return write(exchange, unauthorized());
        };
    }

    /**
     * @param entryPoint how a missing or invalid token is answered
     * @return the reactive bearer filter's failure handler: 503 when the token could not
     * be checked, otherwise the entry point
     */
    static ServerAuthenticationFailureHandler reactiveFailureHandler(ServerAuthenticationEntryPoint entryPoint) {
        return (exchange, failure) -> {
            if (failure instanceof AuthenticationServiceException unavailable) {
                return writeIdentityProviderUnavailable(exchange.getExchange(), tokenNotCheckable(unavailable));
            }
            return entryPoint.commence(exchange.getExchange(), failure);
        };
    }

    /**
     * @return the reactive access-denied handler: 403 problem
     */
    public static ServerAccessDeniedHandler reactiveAccessDeniedHandler() {
        return (exchange, denied) -> write(exchange, forbidden());
    }

    /**
     * Writes a problem as the reactive response.
     * @param exchange the exchange
     * @param problem the problem
     * @return completion
     */
    public static Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        DataBuffer buffer = response.bufferFactory().wrap(body(problem));
        return response.writeWith(Mono.just(buffer));
    }

}
