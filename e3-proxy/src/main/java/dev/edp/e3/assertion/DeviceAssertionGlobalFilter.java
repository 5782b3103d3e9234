package dev.edp.e3.assertion;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import dev.edp.e3.device.AuthenticatedDevice;
import dev.edp.platform.device.DeviceProof;
import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.security.ProblemSecurityHandlers;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Forwards E3's view of every routed request to the backend (see
 * {@link DeviceAssertionKeys}), for the route's service (audience = the service's
 * registry name):
 * <ul>
 * <li>{@value DeviceProof#CREDENTIAL_HEADER}, when E3 verified a device certificate on
 * this request: the device's credential for that service, signed once and reused until
 * shortly before it expires;</li>
 * <li>{@value DeviceProof#HEADER} on every routed request: the proof that binds this
 * request (credential, time, method, path, query, the client's address as E3 saw it - the
 * TCP peer: E3 terminates the devices' TLS itself - and the service) with that service's
 * request key.</li>
 * </ul>
 * Requests without a device (enrollment, EST, CRL downloads) thus still tell the backend
 * who is calling, so onboarding can throttle per client instead of per E3. Any such
 * header a client sent was already stripped.
 * <p>
 * Until E3's keys are served ({@link JwksPublication}: the first moments of every start),
 * routed requests wait for them (at most {@code edp.e3.start-wait-for-jwks}), so devices
 * that return the moment E3 restarts are served, not turned away; only when the wait runs
 * out do they get {@code 503 SERVICE_UNAVAILABLE} with {@code Retry-After: 1} instead of
 * headers no service could verify yet.
 */
public final class DeviceAssertionGlobalFilter implements GlobalFilter, Ordered {

    private final DeviceAssertionKeys keys;

    private final JwksPublication publication;

    private final Duration publicationWait;

    /**
     * @param keys the signing keys
     * @param publication whether the keys are served to the services yet
     * @param publicationWait how long a request that arrives before they are served waits
     * for them
     */
    public DeviceAssertionGlobalFilter(DeviceAssertionKeys keys, JwksPublication publication,
            Duration publicationWait) {
        this.keys = keys;
        this.publication = publication;
        this.publicationWait = publicationWait;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        InetSocketAddress peer = exchange.getRequest().getRemoteAddress();
        if (route == null || peer == null || peer.getAddress() == null) {
            return chain.filter(exchange);
        }
        if (publication.published()) {
            return forward(exchange, chain, route, peer);
        }
        return publication.whenPublished(publicationWait).flatMap(published -> {
            if (published) {
                return forward(exchange, chain, route, peer);
            }
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
            return ProblemSecurityHandlers.write(exchange, PlatformProblem.SERVICE_UNAVAILABLE
                .problem("E3 is not ready to forward requests yet. Retry shortly."));
        });
    }

    private Mono<Void> forward(ServerWebExchange exchange, GatewayFilterChain chain, Route route,
            InetSocketAddress peer) {
        AuthenticatedDevice device = exchange.getAttribute(AuthenticatedDevice.ATTRIBUTE);
        String audience = route.getUri().getHost() != null ? route.getUri().getHost() : route.getId();
        DeviceAssertionKeys.Credential credential = device == null ? null : keys.credential(device, audience);
        String proof = keys.proof(credential, audience, exchange.getRequest().getMethod().name(),
                exchange.getRequest().getPath().value(), exchange.getRequest().getURI().getRawQuery(),
                clientAddress(peer.getAddress()));
        return chain.filter(exchange.mutate().request(request -> request.headers(headers -> {
            if (credential != null) {
                headers.set(DeviceProof.CREDENTIAL_HEADER, credential.token());
            }
            headers.set(DeviceProof.HEADER, proof);
        })).build());
    }

    /**
     * The address without an IPv6 scope ({@code %eth0}): services compare addresses, not
     * interfaces.
     */
    public static String clientAddress(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

}
