package dev.edp.platform.gateway;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.SpringCloudCircuitBreakerResilience4JFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.web.reactive.DispatcherHandler;

/**
 * The gateways' default circuit breaker ({@code EdpCircuitBreaker}, one breaker per
 * route), except on routes whose metadata says {@value #LONG_LIVED}{@code : true}.
 * Long-lived requests — the devices' desired-state long-poll (30 s), the portal's event
 * stream (minutes) — do not fit a breaker: in half-open state the few permitted trial
 * calls would be such requests, and every other call on the route would be refused until
 * they end. Those routes still get the load balancer's 503 when no instance is registered
 * and the HTTP client's timeouts.
 */
public class EdpCircuitBreakerGatewayFilterFactory extends SpringCloudCircuitBreakerResilience4JFilterFactory {

    /** Route metadata key that exempts a route from the breaker. */
    public static final String LONG_LIVED = "edp-long-lived";

    /**
     * @param breakers the circuit breaker factory
     * @param dispatcherHandler for the fallback forward
     */
    public EdpCircuitBreakerGatewayFilterFactory(ReactiveCircuitBreakerFactory<?, ?> breakers,
            ObjectProvider<DispatcherHandler> dispatcherHandler) {
        super(breakers, dispatcherHandler);
    }

    @Override
    public GatewayFilter apply(Config config) {
        GatewayFilter breaker = super.apply(config);
        return (exchange, chain) -> {
            Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
            if (route != null && Boolean.parseBoolean(String.valueOf(route.getMetadata().get(LONG_LIVED)))) {
                return chain.filter(exchange);
            }
            return breaker.filter(exchange, chain);
        };
    }

    @Override
    public String name() {
        return "EdpCircuitBreaker";
    }

}
