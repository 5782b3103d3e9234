package dev.edp.platform.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.edp.platform.problem.PlatformProblem;
import jakarta.servlet.http.HttpServletResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * 401 and 403 as problem details, for both web stacks. The {@code WWW-Authenticate}
 * header is the one the bearer-token handlers of Spring Security compute (RFC 6750), the
 * body is ours.
 */
public final class ProblemSecurityHandlers {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemSecurityHandlers() {
    }

    static ProblemDetail unauthorized() {
        return PlatformProblem.UNAUTHORIZED.problem("A valid access token is required.");
    }

    static ProblemDetail forbidden() {
        return PlatformProblem.FORBIDDEN.problem("Your role does not allow this request.");
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
