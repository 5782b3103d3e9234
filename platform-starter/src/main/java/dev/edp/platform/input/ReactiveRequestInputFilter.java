package dev.edp.platform.input;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.edp.platform.problem.EdpException;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The reactive gateways' door for what a caller sends, before Spring Security and routing: the
 * path, the query parameters and the header values must be storable text (400
 * {@code INVALID_TEXT}), and a body larger than {@code edp.web.max-request-size} is 413
 * {@code REQUEST_TOO_LARGE}, by its {@code Content-Length} up front or, for a body sent without
 * one, as soon as the bytes streamed on pass the limit. Bodies are not buffered here: they stream
 * to the service behind, which checks their text itself ({@link RequestInputFilter}).
 * <p>
 * Ordered after E3's own device filter ({@code HIGHEST_PRECEDENCE + 10}), which keeps its own
 * limit and counts its refusals.
 */
public final class ReactiveRequestInputFilter implements WebFilter, Ordered {

    /** After E3's device filter, before Spring Security (-100). */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

    private final long maxRequestBytes;

    /** @param properties the limits */
    public ReactiveRequestInputFilter(WebInputProperties properties) {
        this.maxRequestBytes = properties.maxRequestSize().toBytes();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        try {
            RequestTexts.checkPath(request.getURI().getRawPath());
            RequestTexts.checkQuery(request.getURI().getRawQuery(), Integer.MAX_VALUE);
            request.getHeaders().forEach((name, values) -> values.forEach(value -> RequestTexts.checkHeader(name,
                    value)));
            if (request.getHeaders().getContentLength() > maxRequestBytes) {
                throw RequestTexts.tooLarge(maxRequestBytes);
            }
        }
        catch (EdpException refused) {
            return Mono.error(refused);
        }
        return chain.filter(exchange.mutate().request(SizeLimitedServerRequest.limit(request, maxRequestBytes)).build());
    }
}
