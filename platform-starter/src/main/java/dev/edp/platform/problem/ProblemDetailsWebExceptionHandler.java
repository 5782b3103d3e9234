package dev.edp.platform.problem;

import java.io.IOException;
import java.net.ConnectException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.ErrorResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * The reactive services' (gateway, E3) last line of error handling: every exception,
 * including "no route" and failures talking to a backend, becomes an RFC 9457 problem
 * with an EDP code. Replaces Boot's default handler, whose body is not a problem detail.
 */
public class ProblemDetailsWebExceptionHandler implements ErrorWebExceptionHandler, Ordered {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsWebExceptionHandler.class);

    private final ServerCodecConfigurer codecs;

    /**
     * @param codecs the codecs used to write the problem body
     */
    public ProblemDetailsWebExceptionHandler(ServerCodecConfigurer codecs) {
        this.codecs = codecs;
    }

    @Override
    public int getOrder() {
        return -2;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        ProblemDetail problem = toProblem(exchange, ex);
        Object code = problem.getProperties() == null ? null : problem.getProperties().get(Problems.CODE);
        if (DatabaseFailures.CODE.equals(code)) {
            exchange.getResponse()
                .getHeaders()
                .set(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseFailures.RETRY_AFTER_SECONDS));
        }
        else if (PlatformProblem.SERVICE_UNAVAILABLE.code().equals(code)) {
            exchange.getResponse()
                .getHeaders()
                .set(HttpHeaders.RETRY_AFTER, Integer.toString(PlatformProblem.SERVICE_RETRY_AFTER_SECONDS));
        }
        return ServerResponse.status(problem.getStatus())
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .bodyValue(asMap(problem))
            .flatMap(response -> response.writeTo(exchange, new ServerResponse.Context() {
                @Override
                public List<HttpMessageWriter<?>> messageWriters() {
                    return codecs.getWriters();
                }

                @Override
                public List<ViewResolver> viewResolvers() {
                    return List.of();
                }
            }));
    }

    private ProblemDetail toProblem(ServerWebExchange exchange, Throwable ex) {
        String request = exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath().value();
        if (ex instanceof ErrorResponse errorResponse) {
            ProblemDetail problem = Problems.complete(copy(errorResponse.getBody()));
            int status = problem.getStatus();
            if (status == 404) {
                problem.setDetail("No route or endpoint for " + request + ".");
            }
            else if (ex instanceof ServerWebInputException && status == 400
                    && !(errorResponse instanceof EdpException)) {
                problem.setProperty(Problems.CODE, "MALFORMED_REQUEST_BODY");
                problem.setType(Problems.typeOf("MALFORMED_REQUEST_BODY"));
                problem.setTitle("Malformed request body");
                problem.setDetail("The request body or a parameter is missing, malformed or of the wrong type.");
            }
            else if (status >= 500) {
                log.warn("{} failed with {}: {}", request, status, ex.getMessage());
            }
            return problem;
        }
        if (hasCause(ex, TimeoutException.class)) {
            return Problems.of(HttpStatus.GATEWAY_TIMEOUT, "GATEWAY_TIMEOUT", "Gateway timeout",
                    "The service behind " + request + " did not answer in time.");
        }
        if (hasCause(ex, ConnectException.class)) {
            return PlatformProblem.SERVICE_UNAVAILABLE.problem("The service behind " + request + " cannot be reached.");
        }
        if (hasCause(ex, IOException.class)) {
            // The connection to the service ended before its answer (reactor-netty's
            // PrematureCloseException, a reset): the instance went away mid-request, e.g.
            // a long-poll on a killed replica (no circuit breaker, so no fallback).
            // Retryable, like the fallback's answer; never a 500.
            log.warn("{}: the service's connection ended before its answer: {}", request, ex.toString());
            return PlatformProblem.SERVICE_UNAVAILABLE.problem(
                    "The service behind " + request + " closed the connection before answering. Try again shortly.");
        }
        if (DatabaseFailures.isUnavailable(ex)) {
            log.warn("Database unavailable on {}: {}", request, DatabaseFailures.describe(ex));
            return DatabaseFailures.problem();
        }
        log.error("Unexpected error on {}", request, ex);
        return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal error",
                "The request could not be completed. It has been logged.");
    }

    private static ProblemDetail copy(ProblemDetail source) {
        ProblemDetail copy = ProblemDetail.forStatus(source.getStatus());
        copy.setType(source.getType());
        copy.setTitle(source.getTitle());
        copy.setDetail(source.getDetail());
        copy.setInstance(source.getInstance());
        if (source.getProperties() != null) {
            source.getProperties().forEach(copy::setProperty);
        }
        return copy;
    }

    private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The wire form: members of RFC 9457 first, then the extension members. */
    static Map<String, Object> asMap(ProblemDetail problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        if (problem.getDetail() != null) {
            body.put("detail", problem.getDetail());
        }
        if (problem.getInstance() != null) {
            body.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        return body;
    }

}
