package dev.edp.gateway.portal;

import java.util.List;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Serves the Angular portal (classpath {@code static/}, from the {@code portal} module's
 * jar):
 * <ul>
 * <li><b>SPA fallback</b>: a page request (GET/HEAD accepting HTML) for a path that is
 * not a file and not one of the gateway's own paths is answered with {@code index.html},
 * so deep links such as {@code /devices/<id>} work after a reload. It runs after Spring
 * Security, so the original path is what the login rules judged.</li>
 * <li><b>Cache headers</b>: assets whose names carry the build's content hash never
 * change, so they are {@code immutable} for a year; {@code index.html}, which names them,
 * is {@code no-cache} (revalidated on every load), so a new build reaches browsers at
 * once.</li>
 * </ul>
 */
@Component
class PortalResources implements WebFilter, Ordered {

    /**
     * Paths the gateway answers itself; never rewritten to the app. The API
     * documentation's too: Swagger UI ({@code /swagger-ui.html}, its files under
     * {@code /webjars/}), the documents ({@code /v3/api-docs/**},
     * {@code /api/<service>/v3/api-docs}, {@code /openapi/device-api.json}).
     */
    private static final List<String> RESERVED = List.of("/api/", "/oauth2/", "/login", "/logout", "/actuator",
            "/fallback", "/error", "/v3/", "/swagger", "/webjars", "/openapi");

    /**
     * Angular's output names: {@code main-ABCDEFGH.js}, {@code chunk-…},
     * {@code styles-….css}, {@code media/…}.
     */
    static final Pattern HASHED = Pattern
        .compile("^/(?:media/)?[A-Za-z0-9_.-]+-[A-Z0-9]{8}\\.(?:js|mjs|css|woff2?|ttf|png|svg|jpg|webp)$");

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    @Override
    public int getOrder() {
        // After Spring Security's WebFilterChainProxy (-100): security judges the path
        // the browser asked for.
        return 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        ServerWebExchange target = exchange;
        if (isPageRequest(request, path)) {
            target = exchange.mutate().request(request.mutate().path("/index.html").build()).build();
            path = "/index.html";
        }
        String servedPath = path;
        ServerWebExchange served = target;
        served.getResponse().beforeCommit(() -> {
            cacheHeaders(served, servedPath);
            return Mono.empty();
        });
        return chain.filter(served);
    }

    static boolean isPageRequest(ServerHttpRequest request, String path) {
        if (request.getMethod() != HttpMethod.GET && request.getMethod() != HttpMethod.HEAD) {
            return false;
        }
        for (String reserved : RESERVED) {
            if (path.startsWith(reserved)) {
                return false;
            }
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (last.contains(".")) {
            return false;
        }
        List<MediaType> accept = request.getHeaders().getAccept();
        return accept.stream().anyMatch(type -> type.isCompatibleWith(MediaType.TEXT_HTML) && !type.isWildcardType());
    }

    /**
     * Runs when the response commits, after Spring Security's no-store default, and
     * overrides it for the app.
     */
    private static void cacheHeaders(ServerWebExchange exchange, String path) {
        HttpStatus status = HttpStatus.resolve(
                exchange.getResponse().getStatusCode() == null ? 200 : exchange.getResponse().getStatusCode().value());
        if (status == null || !status.is2xxSuccessful() && status != HttpStatus.NOT_MODIFIED) {
            return;
        }
        HttpHeaders headers = exchange.getResponse().getHeaders();
        String value = null;
        if (path.equals("/index.html")) {
            value = REVALIDATE;
        }
        else if (HASHED.matcher(path).matches()) {
            value = IMMUTABLE;
        }
        if (value != null) {
            headers.set(HttpHeaders.CACHE_CONTROL, value);
            headers.remove(HttpHeaders.PRAGMA);
            headers.remove(HttpHeaders.EXPIRES);
        }
    }

}
