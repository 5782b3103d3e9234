package dev.edp.platform.input;

import dev.edp.platform.problem.EdpException;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The reactive gateways' door for what a caller sends, before Spring Security and
 * routing: the path, the query parameters and the header values must be storable text
 * (400 {@code INVALID_TEXT}), the request target at most {@code edp.web.max-uri-length}
 * long (414 {@code URI_TOO_LONG}) and each query value at most
 * {@code edp.web.max-parameter-length} (400 {@code PARAMETER_TOO_LONG}, as the services
 * behind would answer), and a body larger than {@code edp.web.max-request-size} is 413
 * {@code REQUEST_TOO_LARGE}, by its {@code Content-Length} up front or, for a body sent
 * without one, as soon as the bytes streamed on pass the limit. Bodies are not buffered
 * here: they stream to the service behind, which checks their text itself
 * ({@link RequestInputFilter}).
 * <p>
 * Ordered after E3's own device filter ({@code HIGHEST_PRECEDENCE + 10}), which keeps its
 * own limit and counts its refusals.
 */
public final class ReactiveRequestInputFilter implements WebFilter, Ordered {

    /** After E3's device filter, before Spring Security (-100). */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 50;

    private final long maxRequestBytes;

    private final int maxParameterLength;

    private final int maxUriLength;

    /**
     * @param properties the limits
     */
    public ReactiveRequestInputFilter(WebInputProperties properties) {
        this.maxRequestBytes = properties.maxRequestSize().toBytes();
        this.maxParameterLength = properties.maxParameterLength();
        this.maxUriLength = properties.maxUriLength();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        try {
            String rawPath = request.getURI().getRawPath();
            String rawQuery = request.getURI().getRawQuery();
            RequestTexts.checkTargetLength(rawPath, rawQuery, maxUriLength);
            RequestTexts.checkPath(rawPath);
            RequestTexts.checkQuery(rawQuery, maxParameterLength);
            request.getHeaders()
                .forEach((name, values) -> values.forEach(value -> RequestTexts.checkHeader(name, value)));
            if (request.getHeaders().getContentLength() > maxRequestBytes) {
                throw RequestTexts.tooLarge(maxRequestBytes);
            }
        }
        catch (EdpException refused) {
            return Mono.error(refused);
        }
        return chain
            .filter(exchange.mutate().request(SizeLimitedServerRequest.limit(request, maxRequestBytes)).build());
    }

}
