package dev.edp.platform.gateway;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import dev.edp.platform.problem.NotFound;
import dev.edp.platform.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * Where the circuit breaker of every gateway route forwards when the service behind it
 * fails, is missing from the registry, is too slow, or its breaker is open: a 503 (or 504
 * for a timeout) problem naming the service, instead of a hang or a bare error.
 */
@RestController
public class ServiceFallbackController {

    /** The path routes' {@code fallbackUri} forwards to. */
    public static final String PATH = "/fallback";

    @RequestMapping(PATH)
    Mono<ResponseEntity<ProblemDetail>> fallback(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        if (route == null) {
            // Not a forward from a route: nobody should call this path directly.
            ProblemDetail notFound = NotFound.problem("No such endpoint.");
            return Mono.just(problem(notFound));
        }
        Throwable failure = exchange.getAttribute(ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR);
        String service = route.getUri().getHost() == null ? route.getId() : route.getUri().getHost();
        ProblemDetail problem = isTimeout(failure)
                ? Problems.of(HttpStatus.GATEWAY_TIMEOUT, "SERVICE_TIMEOUT", "Service did not answer in time",
                        "The " + service + " service did not answer in time. Try again shortly.")
                : Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE", "Service unavailable",
                        "The " + service + " service is not available. Try again shortly.");
        // The request was forwarded here: name the path the caller asked for, not the
        // fallback's.
        Set<URI> originals = exchange.getAttributeOrDefault(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR,
                Set.of());
        originals.stream().findFirst().ifPresent(original -> problem.setInstance(URI.create(original.getRawPath())));
        return Mono.just(problem(problem));
    }

    private static ResponseEntity<ProblemDetail> problem(ProblemDetail problem) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.getStatus())
            .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.getStatus() >= 500) {
            response.header("Retry-After", "5");
        }
        return response.body(problem);
    }

    /**
     * @param failure what a routed call failed with
     * @return whether it is a timeout (the gateway's response timeout, Netty's, the time
     * limiter's), not a failure to connect
     */
    public static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof io.netty.handler.timeout.TimeoutException
                    || t instanceof org.springframework.cloud.gateway.support.TimeoutException) {
                return true;
            }
        }
        return false;
    }

}
