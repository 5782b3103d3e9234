package dev.edp.agent;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.TrustManagerFactory;

import dev.edp.agent.net.NettyHttp;
import io.netty.handler.ssl.SslContext;

/**
 * How an {@link E3Client}'s requests travel to E3. The client's behaviour (paths, bodies,
 * which answers stop or are retried) is the same over either:
 * <ul>
 * <li>{@link #jdk()} (the default): a JDK {@code HttpClient} per device certificate.
 * Right for one agent on a device; each such client owns a selector thread, so it does
 * not scale to a fleet in one JVM.</li>
 * <li>{@link #netty(NettyHttp)}: keep-alive connections on a shared Netty event loop, a
 * small pool per device certificate (a long-poll holds one connection while heartbeats
 * and reports use another), a TLS context per certificate. For thousands of devices in
 * one JVM (simulator): no thread per device.</li>
 * </ul>
 * Immutable and thread-safe; one instance serves any number of devices.
 */
public final class E3Transport {

    /**
     * Connections per device certificate with {@link #netty(NettyHttp)}: the long-poll's
     * and one more.
     */
    public static final int DEFAULT_CONNECTIONS_PER_DEVICE = 2;

    private static final E3Transport JDK = new E3Transport(null, 0);

    private final NettyHttp net;

    private final int connectionsPerDevice;

    /**
     * Per trust, what every device of a fleet shares: the trust managers and the
     * enrollment context.
     */
    private final Map<E3Trust, Shared> shared = new ConcurrentHashMap<>();

    private record Shared(TrustManagerFactory trust, SslContext anonymous) {
    }

    private E3Transport(NettyHttp net, int connectionsPerDevice) {
        this.net = net;
        this.connectionsPerDevice = connectionsPerDevice;
    }

    /**
     * @return the JDK {@code HttpClient}, one per device certificate
     */
    public static E3Transport jdk() {
        return JDK;
    }

    /**
     * @param net the shared client (its owner closes it after every device stopped)
     * @return connections on {@code net}, {@value #DEFAULT_CONNECTIONS_PER_DEVICE} per
     * device certificate
     */
    public static E3Transport netty(NettyHttp net) {
        return netty(net, DEFAULT_CONNECTIONS_PER_DEVICE);
    }

    /**
     * @param net the shared client (its owner closes it after every device stopped)
     * @param connectionsPerDevice at most this many connections per device certificate; a
     * request waits for a free one (2: a long-poll plus heartbeats and reports)
     * @return connections on {@code net}
     */
    public static E3Transport netty(NettyHttp net, int connectionsPerDevice) {
        if (net == null || connectionsPerDevice < 1) {
            throw new IllegalArgumentException("a NettyHttp and at least one connection per device are needed");
        }
        return new E3Transport(net, connectionsPerDevice);
    }

    /**
     * @return true for the shared non-blocking client
     */
    public boolean isNetty() {
        return net != null;
    }

    /**
     * @param e3 E3's base URL
     * @param trust what to trust for E3's server certificate
     * @param credentials the device's certificate for mTLS, or null (enrollment)
     * @return a session that sends requests with this certificate
     */
    Session open(URI e3, E3Trust trust, Credentials credentials) {
        if (net == null) {
            return new JdkSession(e3, trust.sslContext(credentials));
        }
        Shared common = shared.computeIfAbsent(trust, t -> {
            TrustManagerFactory managers = NettyHttp.trustManagers(t.anchors());
            return new Shared(managers, NettyHttp.clientContext(null, null, managers));
        });
        SslContext tls = credentials == null ? common.anonymous()
                : NettyHttp.clientContext(credentials.key(), credentials.chain(), common.trust());
        return new NettySession(net, e3, tls, connectionsPerDevice);
    }

    @Override
    public String toString() {
        return net == null ? "jdk" : "netty (" + connectionsPerDevice + " connections per device)";
    }

    /** Requests with one device certificate (or none). Thread-safe. */
    interface Session extends AutoCloseable {

        /**
         * @param request what to send
         * @return the complete answer, whatever its status
         * @throws IOException when no answer came (connection refused or lost, TLS
         * refused, timeout)
         * @throws InterruptedException if interrupted while waiting (the request is
         * abandoned)
         */
        Response send(Request request) throws IOException, InterruptedException;

        /**
         * Accepts no new requests; those in flight finish (on their connections, which
         * then close).
         */
        void shutdown();

        /** Aborts everything and closes every connection. */
        @Override
        void close();

    }

    /**
     * One request.
     *
     * @param method {@code GET} or {@code POST}
     * @param path the absolute path (with E3's base path)
     * @param query the query without {@code ?}, or null
     * @param headers extra headers (shared, immutable)
     * @param body the body, or an empty array
     * @param timeout how long to wait for the answer once the request is sent
     * @param repeatable whether it may be sent again on a fresh connection when a
     * kept-alive one turns out to be closed by E3 before answering (true for heartbeats,
     * reports and desired state, whose repetition is harmless; never for enrollment or
     * renewal)
     */
    record Request(String method, String path, String query, Map<String, String> headers, byte[] body, Duration timeout,
            boolean repeatable) {

        /**
         * @return origin-form target: path and query
         */
        String target() {
            return query == null ? path : path + "?" + query;
        }
    }

    /**
     * A complete answer.
     *
     * @param status the HTTP status
     * @param headers header names in lower case (first value)
     * @param body the body as text
     */
    record Response(int status, Map<String, String> headers, String body) {

        /**
         * @return the header's value, or null
         */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

}
