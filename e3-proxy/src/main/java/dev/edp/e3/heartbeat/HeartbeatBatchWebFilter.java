package dev.edp.e3.heartbeat;

import java.net.InetSocketAddress;

import dev.edp.e3.assertion.DeviceAssertionGlobalFilter;
import dev.edp.e3.assertion.DeviceAssertionKeys;
import dev.edp.e3.assertion.JwksPublication;
import dev.edp.e3.device.AuthenticatedDevice;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * A device's heartbeat ({@code POST /monitoring/api/v1/heartbeat}) goes to monitoring in
 * a batch ({@link HeartbeatBatcher}) instead of alone: its body is read here, and the
 * device gets 202 once monitoring took it. When monitoring did not take it in a batch, it
 * is routed alone after all, with the body already read, and the device gets monitoring's
 * own answer. Only a plain heartbeat is batched (a verified device, no query, a JSON body
 * of known length up to {@code max-body}, no content encoding, E3's keys already
 * published); anything else is routed alone, as before.
 * <p>
 * Runs after the door ({@code DeviceAuthenticationWebFilter}: certificate, revocation,
 * rate limit, size limit) and the input check of headers and path. Monitoring's batch
 * path ({@value HeartbeatBatcher#BATCH_PATH}, an internal path) has no route on E3.
 */
public final class HeartbeatBatchWebFilter implements WebFilter, Ordered {

    private final HeartbeatBatcher batcher;

    private final DeviceAssertionKeys keys;

    private final JwksPublication publication;

    private final boolean enabled;

    private final long maxBody;

    /**
     * @param batcher the batches
     * @param keys the device credentials
     * @param publication whether E3's keys are served to the services yet
     * @param enabled whether heartbeats are batched at all
     * @param maxBody larger heartbeats are routed alone
     */
    public HeartbeatBatchWebFilter(HeartbeatBatcher batcher, DeviceAssertionKeys keys, JwksPublication publication,
            boolean enabled, long maxBody) {
        this.batcher = batcher;
        this.keys = keys;
        this.publication = publication;
        this.enabled = enabled;
        this.maxBody = maxBody;
    }

    @Override
    public int getOrder() {
        // After the door (HIGHEST_PRECEDENCE + 10) and the input check (+ 50), before
        // Spring Security and routing.
        return Ordered.HIGHEST_PRECEDENCE + 60;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value();
        AuthenticatedDevice device = exchange.getAttribute(AuthenticatedDevice.ATTRIBUTE);
        InetSocketAddress peer = request.getRemoteAddress();
        if (!enabled || device == null || request.getMethod() != HttpMethod.POST
                || !HeartbeatBatcher.HEARTBEAT_PATH.equals(path) || request.getURI().getRawQuery() != null
                || peer == null || peer.getAddress() == null || !batchable(request.getHeaders())
                || !publication.published()) {
            return chain.filter(exchange);
        }
        DeviceAssertionKeys.Credential credential = keys.credential(device, HeartbeatBatcher.AUDIENCE);
        String clientAddress = DeviceAssertionGlobalFilter.clientAddress(peer.getAddress());
        return DataBufferUtils.join(request.getBody(), (int) maxBody).map(buffer -> {
            byte[] body = new byte[buffer.readableByteCount()];
            buffer.read(body);
            DataBufferUtils.release(buffer);
            return body;
        })
            .defaultIfEmpty(new byte[0])
            .flatMap(body -> batcher.submit(credential, clientAddress, body).flatMap(taken -> {
                if (taken) {
                    exchange.getResponse().setStatusCode(HttpStatus.ACCEPTED);
                    return exchange.getResponse().setComplete();
                }
                return chain.filter(exchange.mutate().request(new ReadBody(request, body)).build());
            }));
    }

    /**
     * A JSON body (UTF-8, the default) of a length the device declared, within the limit,
     * not compressed.
     */
    private boolean batchable(HttpHeaders headers) {
        long length = headers.getContentLength();
        if (length <= 0 || length > maxBody || headers.containsHeader(HttpHeaders.CONTENT_ENCODING)
                || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return false;
        }
        MediaType type;
        try {
            type = headers.getContentType();
        }
        catch (InvalidMediaTypeException ex) {
            return false;
        }
        if (type == null || !MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type)) {
            return false;
        }
        String charset = type.getParameter("charset");
        return charset == null ? type.getParameters().isEmpty()
                : type.getParameters().size() == 1 && "utf-8".equalsIgnoreCase(charset);
    }

    /** The request with the body already read. */
    private static final class ReadBody extends ServerHttpRequestDecorator {

        private final byte[] body;

        ReadBody(ServerHttpRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
        }

    }

}
