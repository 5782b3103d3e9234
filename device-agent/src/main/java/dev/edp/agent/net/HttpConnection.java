package dev.edp.agent.net;

import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One keep-alive HTTP/1.1 connection over TLS, carrying one request at a time. Not
 * thread-safe for concurrent {@link #send}s: the caller (a pool, a device, a load
 * generator) owns it while a request is in flight.
 */
public final class HttpConnection implements AutoCloseable {

    private final Channel channel;

    private final String authority;

    private final Handler handler;

    HttpConnection(Channel channel, String authority, Handler handler) {
        this.channel = channel;
        this.authority = authority;
        this.handler = handler;
    }

    /**
     * @return true while the connection can carry another request
     */
    public boolean isOpen() {
        return channel.isActive() && !handler.closeAfterResponse;
    }

    /**
     * Sends a request; the future completes with the whole response, or exceptionally
     * when the connection fails or the timeout passes (the connection is closed then).
     * @param request the request
     * @param timeout how long to wait for the complete response
     * @return the response
     */
    public CompletableFuture<HttpResponseData> send(HttpRequestSpec request, Duration timeout) {
        CompletableFuture<HttpResponseData> result = new CompletableFuture<>();
        FullHttpRequest message = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                request.pathAndQuery(), Unpooled.wrappedBuffer(request.body()));
        message.headers().set(HttpHeaderNames.HOST, authority);
        request.headers().forEach((name, value) -> message.headers().set(name, value));
        HttpUtil.setContentLength(message, request.body().length);
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                message.release();
                result.completeExceptionally(new ClosedChannelException());
                return;
            }
            if (handler.pending != null) {
                message.release();
                result.completeExceptionally(new IllegalStateException("a request is already in flight"));
                return;
            }
            handler.pending = result;
            handler.timeout = channel.eventLoop().schedule(() -> {
                if (handler.pending == result) {
                    handler.pending = null;
                    // Unusable before the caller learns of the timeout: it may look at
                    // isOpen() at once, while the close itself completes later on the
                    // event loop.
                    handler.closeAfterResponse = true;
                    channel.close();
                    result.completeExceptionally(new TimeoutException("no response within " + timeout));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            channel.writeAndFlush(message).addListener(written -> {
                if (!written.isSuccess() && handler.pending == result) {
                    handler.closeAfterResponse = true;
                    channel.close();
                    handler.finish(null, written.cause());
                }
            });
        });
        return result;
    }

    @Override
    public void close() {
        channel.close();
    }

    /** Completes the pending request; runs on the connection's event loop only. */
    static final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {

        private CompletableFuture<HttpResponseData> pending;

        private ScheduledFuture<?> timeout;

        private volatile boolean closeAfterResponse;

        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpResponse response) {
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
            if (!HttpUtil.isKeepAlive(response)) {
                closeAfterResponse = true;
            }
            finish(new HttpResponseData(response.status().code(), headers, ByteBufUtil.getBytes(response.content())),
                    null);
            if (closeAfterResponse) {
                context.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            closeAfterResponse = true;
            finish(null, new ClosedChannelException());
            context.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            closeAfterResponse = true;
            context.close();
            finish(null, cause);
        }

        void finish(HttpResponseData response, Throwable failure) {
            CompletableFuture<HttpResponseData> done = pending;
            pending = null;
            if (timeout != null) {
                timeout.cancel(false);
                timeout = null;
            }
            if (done != null) {
                if (failure != null) {
                    done.completeExceptionally(failure);
                }
                else {
                    done.complete(response);
                }
            }
        }

    }

}
