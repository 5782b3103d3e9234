package dev.edp.platform.gateway;

import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * The gateways' retry ({@code EdpRetry}): Spring Cloud Gateway's {@code Retry}, except
 * that a 503 which says when to come back ({@code Retry-After}) is passed on at once and
 * never asked again. Such a 503 is a service's considered answer: its database is
 * unreachable ({@code DATABASE_UNAVAILABLE}), its buffer is full ({@code BUFFER_FULL}),
 * Keycloak is down. Asking again at once only makes the caller wait for more of the
 * service's own timeouts (during a database outage three pool timeouts instead of one)
 * and sends a struggling service three requests instead of one; the caller is told when
 * to come back instead. A 503 without {@code Retry-After} (an instance that is shutting
 * down, a proxy in between) is retried as before: the next pick of the load balancer is
 * likely another instance.
 */
public class EdpRetryGatewayFilterFactory extends RetryGatewayFilterFactory {

    @Override
    public boolean exceedsMaxIterations(ServerWebExchange exchange, RetryConfig retryConfig) {
        return super.exceedsMaxIterations(exchange, retryConfig) || toldWhenToComeBack(exchange.getResponse());
    }

    private static boolean toldWhenToComeBack(ServerHttpResponse response) {
        HttpStatusCode status = response.getStatusCode();
        return status != null && status.value() == HttpStatus.SERVICE_UNAVAILABLE.value()
                && response.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER);
    }

    @Override
    public String name() {
        return "EdpRetry";
    }

}
