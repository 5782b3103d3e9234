package dev.edp.agent;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.edp.agent.net.HttpConnection;
import dev.edp.agent.net.HttpRequestSpec;
import dev.edp.agent.net.HttpResponseData;
import dev.edp.agent.net.NettyHttp;
import io.netty.handler.ssl.SslContext;

/**
 * {@link E3Transport#netty}: one device certificate's keep-alive connections on the
 * shared event loop. At most {@code maxConnections} requests are in flight at once (a
 * long-poll holds one connection for its wait while heartbeats and reports take another);
 * a further request waits for a free connection. Idle connections are kept for the next
 * request, closed ones replaced by a new handshake. The calling (virtual) thread blocks
 * on the answer's future; no thread belongs to the device.
 */
final class NettySession implements E3Transport.Session {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Beyond the timeouts the connection enforces itself: only against a completion that
     * never comes.
     */
    private static final Duration GUARD = Duration.ofSeconds(5);

    private final NettyHttp net;

    private final String host;

    private final int port;

    private final SslContext tls;

    private final Semaphore permits;

    /** Most recently used first, so the warm connection is taken again. */
    private final Deque<HttpConnection> idle = new ConcurrentLinkedDeque<>();

    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();

    private volatile boolean shutdown;

    private volatile boolean closed;

    NettySession(NettyHttp net, URI e3, SslContext tls, int maxConnections) {
        this.net = net;
        this.host = e3.getHost();
        this.port = e3.getPort() < 0 ? 443 : e3.getPort();
        this.tls = tls;
        this.permits = new Semaphore(maxConnections);
    }

    @Override
    public E3Transport.Response send(E3Transport.Request request) throws IOException, InterruptedException {
        if (shutdown) {
            throw new IOException("client shut down (certificate renewed or agent stopped)");
        }
        if (!permits.tryAcquire(request.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new HttpTimeoutException("no connection to E3 free within " + request.timeout());
        }
        try {
            HttpConnection kept = reuse();
            if (kept != null) {
                try {
                    return exchange(kept, request);
                }
                catch (ClosedChannelException stale) {
                    if (!request.repeatable() || shutdown) {
                        throw stale;
                    }
                    // E3 (or a proxy) closed the kept-alive connection just before this
                    // request: the well-known race of HTTP/1.1 keep-alive. A fresh
                    // connection, once, for requests whose repetition is harmless.
                }
            }
            return exchange(connect(), request);
        }
        finally {
            permits.release();
        }
    }

    private HttpConnection reuse() {
        HttpConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.isOpen()) {
                return connection;
            }
            discard(connection);
        }
        return null;
    }

    private HttpConnection connect() throws IOException, InterruptedException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException(host);
        }
        CompletableFuture<HttpConnection> pending = net.connect(address, host, tls, CONNECT_TIMEOUT);
        HttpConnection connection;
        try {
            connection = pending.get(CONNECT_TIMEOUT.multipliedBy(2).plus(GUARD).toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            pending.thenAccept(HttpConnection::close);
            throw ex;
        }
        catch (ExecutionException ex) {
            throw io(ex.getCause());
        }
        catch (TimeoutException ex) {
            pending.thenAccept(HttpConnection::close);
            throw new HttpConnectTimeoutException(
                    "no TLS connection to " + host + ":" + port + " within " + CONNECT_TIMEOUT.multipliedBy(2));
        }
        connections.add(connection);
        if (closed) {
            discard(connection);
            throw new IOException("client closed");
        }
        return connection;
    }

    private E3Transport.Response exchange(HttpConnection connection, E3Transport.Request request)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponseData> answer = connection.send(
                new HttpRequestSpec(request.method(), request.target(), request.headers(), request.body()),
                request.timeout());
        HttpResponseData response;
        try {
            response = answer.get(request.timeout().plus(GUARD).toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            discard(connection); // the request is abandoned; its connection cannot carry
                                 // another
            throw ex;
        }
        catch (ExecutionException ex) {
            discard(connection);
            throw io(ex.getCause());
        }
        catch (TimeoutException ex) {
            discard(connection);
            throw new HttpTimeoutException("request timed out");
        }
        giveBack(connection);
        return new E3Transport.Response(response.status(), response.headers(), response.text());
    }

    private void giveBack(HttpConnection connection) {
        if (shutdown || !connection.isOpen()) {
            discard(connection);
            return;
        }
        idle.offerFirst(connection);
        if (shutdown && idle.remove(connection)) {
            discard(connection); // shut down meanwhile, after the idle ones were closed
        }
    }

    private void discard(HttpConnection connection) {
        connections.remove(connection);
        connection.close();
    }

    /**
     * The JDK client's exception types for the same failures, so messages and handling
     * match.
     */
    private static IOException io(Throwable cause) {
        if (cause instanceof ConnectException && cause.getClass() != ConnectException.class) {
            return (IOException) new ConnectException(cause.getMessage()).initCause(cause); // Netty's
                                                                                            // subclasses
        }
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof TimeoutException) {
            return (IOException) new HttpTimeoutException("request timed out").initCause(cause);
        }
        return new IOException(cause.toString(), cause);
    }

    @Override
    public void shutdown() {
        shutdown = true;
        HttpConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            discard(connection);
        }
    }

    @Override
    public void close() {
        shutdown();
        closed = true;
        for (HttpConnection connection : connections) {
            discard(connection);
        }
    }

}
