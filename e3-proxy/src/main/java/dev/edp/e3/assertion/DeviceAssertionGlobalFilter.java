package dev.edp.e3.assertion;

import reactor.core.publisher.Mono;

import dev.edp.e3.device.AuthenticatedDevice;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * Forwards the verified device to the backend as {@value #HEADER}: a JWT signed by E3 (see
 * {@link DeviceAssertionKeys}) for the route's service (audience = the service's registry name),
 * bound to the request's method and path. Requests without a verified device get no header
 * (and any such header a client sent was already stripped).
 */
public final class DeviceAssertionGlobalFilter implements GlobalFilter, Ordered {

    /** The request header that carries the assertion. */
    public static final String HEADER = "X-EDP-Device-Assertion";

    private final DeviceAssertionKeys keys;

    /** @param keys the signing keys */
    public DeviceAssertionGlobalFilter(DeviceAssertionKeys keys) {
        this.keys = keys;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        AuthenticatedDevice device = exchange.getAttribute(AuthenticatedDevice.ATTRIBUTE);
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        if (device == null || route == null) {
            return chain.filter(exchange);
        }
        String audience = route.getUri().getHost() != null ? route.getUri().getHost() : route.getId();
        String assertion = keys.sign(device, audience, exchange.getRequest().getMethod().name(),
                exchange.getRequest().getPath().value());
        return chain.filter(exchange.mutate()
                .request(request -> request.headers(headers -> headers.set(HEADER, assertion)))
                .build());
    }
}
