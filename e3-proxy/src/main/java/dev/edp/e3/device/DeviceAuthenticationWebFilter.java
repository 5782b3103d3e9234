package dev.edp.e3.device;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.edp.e3.E3Problem;
import dev.edp.e3.trust.DeviceTrust;
import dev.edp.e3.trust.DeviceTrust.Outcome;
import dev.edp.e3.trust.DeviceTrust.Verification;
import dev.edp.platform.input.SizeLimitedServerRequest;
import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.problem.ProblemType;
import dev.edp.platform.security.ProblemSecurityHandlers;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * E3's door, run on every request before routing: strips identity headers a client sent,
 * enforces the request size limit, verifies the client certificate of the TLS session
 * against {@link DeviceTrust} (chain, validity, revocation — on every request, so a
 * device revoked while its keep-alive connection is open is refused on its next request),
 * applies the per-device rate limit and puts the {@link AuthenticatedDevice} on the
 * exchange for the assertion filter.
 * <p>
 * Public paths (onboarding, EST) pass without a certificate; if a valid one is presented
 * there, the device identity is forwarded as well (certificate renewal).
 */
public final class DeviceAuthenticationWebFilter implements WebFilter, Ordered {

    /**
     * How long a refused device's request body is read before the answer; the body is
     * limited to the request size limit.
     */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final DeviceTrust trust;

    private final List<String> publicPaths;

    private final List<String> strippedPrefixes;

    private final long maxRequestBytes;

    private final RateLimiter rateLimiter;

    private final MeterRegistry meters;

    private final AntPathMatcher matcher = new AntPathMatcher();

    /**
     * @param trust the certificate check
     * @param publicPaths paths that need no certificate
     * @param strippedPrefixes request header prefixes removed from every request
     * @param maxRequestBytes request size limit
     * @param rateLimiter per-device limit
     * @param meters where refusals are counted ({@code edp.e3.refused{reason}})
     */
    public DeviceAuthenticationWebFilter(DeviceTrust trust, List<String> publicPaths, List<String> strippedPrefixes,
            long maxRequestBytes, RateLimiter rateLimiter, MeterRegistry meters) {
        this.trust = trust;
        this.publicPaths = List.copyOf(publicPaths);
        this.strippedPrefixes = List.copyOf(strippedPrefixes);
        this.maxRequestBytes = maxRequestBytes;
        this.rateLimiter = rateLimiter;
        this.meters = meters;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getSslInfo() == null) {
            // Only the plain-HTTP management port (this filter is inherited by its child
            // context): the application port always speaks TLS.
            return chain.filter(exchange);
        }
        ServerHttpRequest request = exchange.getRequest();
        // Copying the headers (mutate) costs every request; only one that carries a
        // header to strip needs it.
        if (carriesStrippedHeader(request)) {
            request = request.mutate().headers(this::strip).build();
        }
        if (request.getHeaders().getContentLength() > maxRequestBytes) {
            return refuse(exchange, PlatformProblem.REQUEST_TOO_LARGE,
                    "The request body is larger than " + maxRequestBytes + " bytes.", null);
        }
        request = SizeLimitedServerRequest.limit(request, maxRequestBytes);
        X509Certificate[] presented = peerCertificates(request.getSslInfo());
        Verification verification = trust.verify(presented);
        if (!verification.accepted()) {
            String path = request.getPath().pathWithinApplication().value();
            if (publicPaths.stream().anyMatch(pattern -> matcher.match(pattern, path))) {
                return chain.filter(exchange.mutate().request(request).build());
            }
            return refuse(exchange, request, verification.outcome());
        }
        AuthenticatedDevice device = new AuthenticatedDevice(verification.identity().deviceId(),
                verification.identity().customerId(), verification.serial(), presented[0].getNotAfter().toInstant());
        long wait = rateLimiter.tryAcquire(device.deviceId(), System.nanoTime());
        if (wait > 0) {
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(wait));
            return refuse(exchange, E3Problem.TOO_MANY_REQUESTS,
                    "This device sends requests faster than allowed. Retry after " + wait + " s.", "rate-limit");
        }
        ServerWebExchange authenticated = exchange.mutate().request(request).build();
        authenticated.getAttributes().put(AuthenticatedDevice.ATTRIBUTE, device);
        return chain.filter(authenticated);
    }

    /**
     * Whether any request header starts with a stripped prefix (case-insensitive): only
     * such a request needs its headers copied to strip them.
     */
    boolean carriesStrippedHeader(ServerHttpRequest request) {
        return request.getHeaders().headerNames().stream().anyMatch(this::stripped);
    }

    private boolean stripped(String name) {
        for (String prefix : strippedPrefixes) {
            if (name.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        return false;
    }

    private void strip(HttpHeaders headers) {
        List<String> names = headers.headerNames().stream().filter(this::stripped).toList();
        names.forEach(headers::remove);
    }

    private static X509Certificate[] peerCertificates(SslInfo ssl) {
        return ssl == null ? null : ssl.getPeerCertificates();
    }

    private Mono<Void> refuse(ServerWebExchange exchange, ServerHttpRequest request, Outcome outcome) {
        if (outcome == Outcome.TRUST_UNAVAILABLE) {
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
            return refuse(exchange, E3Problem.DEVICE_TRUST_UNAVAILABLE,
                    "The revocation status of device certificates is not known "
                            + "right now, so device requests are refused. Try again shortly.",
                    "trust-unavailable");
        }
        String detail = switch (outcome) {
            case NO_CERTIFICATE -> "This path requires a device client certificate.";
            case EXPIRED -> "The client certificate has expired.";
            case NOT_YET_VALID -> "The client certificate is not valid yet.";
            case UNTRUSTED -> "The client certificate was not issued by the platform CA.";
            case NOT_A_DEVICE_CERTIFICATE -> "The client certificate is not a device certificate.";
            case REVOKED -> "The client certificate has been revoked.";
            default -> "The client certificate was refused.";
        };
        E3Problem problem = outcome == Outcome.NO_CERTIFICATE ? E3Problem.DEVICE_CERTIFICATE_REQUIRED
                : outcome == Outcome.REVOKED ? E3Problem.DEVICE_CERTIFICATE_REVOKED
                        : E3Problem.DEVICE_CERTIFICATE_INVALID;
        // The connection is of no further use to a refused device: end it after this
        // answer. What the device sent is read first: a socket closed with unread bytes
        // is reset by the kernel, and the reset can discard the answer before the device
        // reads it (seen: a refused heartbeat ended as "connection reset" instead of a
        // 401, 8 times in 150), so the device would not learn why it is refused.
        exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
        return request.getBody()
            .doOnNext(DataBufferUtils::release)
            .then()
            .timeout(DRAIN_TIMEOUT)
            .onErrorResume(unreadable -> Mono.empty())
            .then(Mono.defer(() -> refuse(exchange, problem, detail, outcome.name().toLowerCase(Locale.ROOT))));
    }

    private Mono<Void> refuse(ServerWebExchange exchange, ProblemType problem, String detail, String reason) {
        meters.counter("edp.e3.refused", "reason", reason == null ? problem.code().toLowerCase(Locale.ROOT) : reason)
            .increment();
        ProblemDetail body = problem.problem(detail);
        body.setInstance(URI.create(exchange.getRequest().getPath().value()));
        return ProblemSecurityHandlers.write(exchange, body);
    }

}
