package dev.edp.platform.input;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

/**
 * A reactive request whose body is counted as it streams and fails with 413
 * {@code REQUEST_TOO_LARGE} once it passes the limit: for bodies sent without a
 * {@code Content-Length} (chunked), so no more than the limit is ever passed on. Shared
 * by the gateways' input filter and E3's device filter; a request limited this way
 * already is not wrapped again ({@link #limit(ServerHttpRequest, long)}).
 */
public final class SizeLimitedServerRequest extends ServerHttpRequestDecorator {

    private final long limit;

    private SizeLimitedServerRequest(ServerHttpRequest delegate, long limit) {
        super(delegate);
        this.limit = limit;
    }

    /**
     * @param request the request
     * @param limit the most body bytes it may have
     * @return the request with its body counted against the limit (itself if it is
     * counted against this limit or a lower one already)
     */
    public static ServerHttpRequest limit(ServerHttpRequest request, long limit) {
        if (request instanceof SizeLimitedServerRequest limited && limited.limit <= limit) {
            return request;
        }
        return new SizeLimitedServerRequest(request, limit);
    }

    @Override
    public Flux<DataBuffer> getBody() {
        AtomicLong seen = new AtomicLong();
        return super.getBody().map(buffer -> {
            if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                DataBufferUtils.release(buffer);
                throw RequestTexts.tooLarge(limit);
            }
            return buffer;
        });
    }

}
