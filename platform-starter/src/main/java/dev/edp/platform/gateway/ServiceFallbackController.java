package dev.edp.platform.gateway;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import dev.edp.platform.logging.LogWindow;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.problem.Problems;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.NotFoundException;
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
 * <p>
 * The caller only learns that the service is unavailable; the operator learns why. Every
 * fallback is counted as {@code edp_gateway_fallbacks_total{route, cause}}, the cause
 * being a {@link Cause}, and logged with the failure at most once per route and cause
 * every {@link #LOG_EVERY} (with the number of fallbacks since the last line), so that a
 * burst of 503s under load names its reason without flooding the log.
 */
@RestController
public class ServiceFallbackController {

    /** The path routes' {@code fallbackUri} forwards to. */
    public static final String PATH = "/fallback";

    /** The metric counting fallbacks, by route and cause. */
    public static final String METRIC = "edp.gateway.fallbacks";

    /** How often a route's fallbacks of one cause are logged at most. */
    public static final Duration LOG_EVERY = Duration.ofSeconds(10);

    private static final Logger logger = LoggerFactory.getLogger(ServiceFallbackController.class);

    /** Why a routed call ended in the fallback. */
    public enum Cause {

        /** The route's circuit breaker is open and refused the call without trying. */
        BREAKER_OPEN,
        /** The service did not answer in time (504). */
        TIMEOUT,
        /** No connection could be made (refused, or the connect timeout passed). */
        CONNECT,
        /** The registry lists no instance of the service. */
        NO_INSTANCE,
        /** The connection failed after it was made (closed early, reset). */
        CONNECTION,
        /** Anything else. */
        OTHER;

        String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

    }

    private final MeterRegistry meters;

    private final Clock clock;

    /** One per route and cause, made at its first fallback. */
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    /** Counts into a registry of its own (nothing exported). */
    public ServiceFallbackController() {
        this(new CompositeMeterRegistry(), Clock.systemUTC());
    }

    /**
     * @param meters where fallbacks are counted
     * @param clock decides when a route and cause is logged again
     */
    public ServiceFallbackController(MeterRegistry meters, Clock clock) {
        this.meters = meters;
        this.clock = clock;
    }

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
        Cause cause = cause(failure);
        record(route.getId(), cause, failure);
        ProblemDetail problem = (cause == Cause.TIMEOUT)
                ? Problems.of(HttpStatus.GATEWAY_TIMEOUT, "SERVICE_TIMEOUT", "Service did not answer in time",
                        "The " + service + " service did not answer in time. Try again shortly.")
                : PlatformProblem.SERVICE_UNAVAILABLE
                    .problem("The " + service + " service is not available. Try again shortly.");
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
            response.header("Retry-After", Integer.toString(PlatformProblem.SERVICE_RETRY_AFTER_SECONDS));
        }
        return response.body(problem);
    }

    private void record(String routeId, Cause cause, Throwable failure) {
        Tally tally = tallies.computeIfAbsent(routeId + "/" + cause.tag(),
                key -> new Tally(Counter.builder(METRIC)
                    .description("Routed calls answered by the fallback (503/504) instead of the service, by cause")
                    .tag("route", routeId)
                    .tag("cause", cause.tag())
                    .register(meters), new LogWindow(LOG_EVERY, clock)));
        tally.counter().increment();
        long heldBack = tally.log().heldBackIfDue();
        if (heldBack >= 0) {
            logger.warn("Route {} answered from the fallback ({}){}: {}", routeId, cause.tag(),
                    LogWindow.andMore(heldBack), (failure != null) ? failure.toString() : "no failure recorded");
        }
    }

    /**
     * @param failure what a routed call failed with, or null
     * @return why it ended in the fallback
     */
    public static Cause cause(Throwable failure) {
        if (isTimeout(failure)) {
            return Cause.TIMEOUT;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CallNotPermittedException) {
                return Cause.BREAKER_OPEN;
            }
            if (t instanceof NotFoundException) {
                return Cause.NO_INSTANCE;
            }
            if (t instanceof ConnectException) {
                return Cause.CONNECT;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return Cause.CONNECTION;
            }
        }
        return Cause.OTHER;
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

    /**
     * One route and cause: its counter, and its log window (the first fallback in a
     * {@link #LOG_EVERY} window is logged, the others only counted).
     */
    private record Tally(Counter counter, LogWindow log) {
    }

}
