package dev.edp.platform.gateway;

import java.net.URI;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * Notes the instance the load balancer chose when the connection to it is refused, so
 * that the retry of the request, and every other request for a while, goes to another one
 * ({@link RefusedInstances}). Runs right after the load balancer's filter, around the
 * call itself.
 */
public final class RefusedConnectionRecorder implements GlobalFilter, Ordered {

    private final RefusedInstances refused;

    public RefusedConnectionRecorder(RefusedInstances refused) {
        this.refused = refused;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return chain.filter(exchange).doOnError(failure -> {
            URI target = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
            if (target != null && target.getHost() != null && RefusedInstances.isRefusedConnection(failure)) {
                refused.refused(target.getHost(), target.getPort());
            }
        });
    }

    @Override
    public int getOrder() {
        return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;
    }

}
