package dev.edp.e3.backend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.edp.e3.E3Problem;
import dev.edp.platform.gateway.EdpCircuitBreakerGatewayFilterFactory;
import dev.edp.platform.security.ProblemSecurityHandlers;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * A bound on the requests E3 has in flight per route (per backend service): beyond it a
 * request is answered at once with 503 {@code BACKEND_BUSY} and {@code Retry-After: 1}
 * instead of waiting in a queue in front of a backend that is already behind. A busy
 * backend thus slows down and sheds its own route only; the other routes, and the
 * devices' other requests, are served. Long-lived routes (route metadata
 * {@value EdpCircuitBreakerGatewayFilterFactory#LONG_LIVED}: the desired-state long-poll,
 * which a device holds open on purpose) have their own, larger bound.
 * <p>
 * Runs after the device checks and before the circuit breaker and the routing, so a
 * refused request neither reaches the backend nor counts for a breaker. Refusals are
 * counted in {@code edp.e3.refused{reason=backend_busy}}.
 */
public final class BackendConcurrencyLimit implements GlobalFilter, Ordered {

    private final int perRoute;

    private final int longLived;

    private final MeterRegistry meters;

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /**
     * @param perRoute requests in flight per ordinary route
     * @param longLived requests in flight per long-lived route
     * @param meters where refusals are counted
     */
    public BackendConcurrencyLimit(int perRoute, int longLived, MeterRegistry meters) {
        if (perRoute < 1 || longLived < 1) {
            throw new IllegalArgumentException("edp.e3.in-flight bounds must be at least 1");
        }
        this.perRoute = perRoute;
        this.longLived = longLived;
        this.meters = meters;
    }

    @Override
    public int getOrder() {
        // After DeviceAssertionGlobalFilter (HIGHEST_PRECEDENCE + 100), before every
        // route filter.
        return Ordered.HIGHEST_PRECEDENCE + 110;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        if (route == null) {
            return chain.filter(exchange);
        }
        boolean lived = Boolean
            .parseBoolean(String.valueOf(route.getMetadata().get(EdpCircuitBreakerGatewayFilterFactory.LONG_LIVED)));
        int bound = lived ? longLived : perRoute;
        AtomicInteger count = inFlight.computeIfAbsent(route.getId(), id -> new AtomicInteger());
        if (count.incrementAndGet() > bound) {
            count.decrementAndGet();
            meters.counter("edp.e3.refused", "reason", "backend_busy").increment();
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
            return ProblemSecurityHandlers.write(exchange, E3Problem.BACKEND_BUSY
                .problem("The service behind this path has too many requests in progress. Retry shortly."));
        }
        return Mono.defer(() -> chain.filter(exchange)).doFinally(signal -> count.decrementAndGet());
    }

    /**
     * @param routeId a route
     * @return its requests in flight now
     */
    public int inFlight(String routeId) {
        AtomicInteger count = inFlight.get(routeId);
        return count == null ? 0 : count.get();
    }

}
