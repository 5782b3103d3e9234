package dev.edp.test.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP forwarder on loopback in front of a server (PostgreSQL in the fault tests), which
 * a test can cut, freeze and restore. Clients connect to {@link #port()} instead of the
 * server:
 * <ul>
 * <li>{@link #cut()}: what a client sees when the server is stopped — every open
 * connection is closed and new ones are refused (nothing listens on the port);</li>
 * <li>{@link #freeze()}: what a client sees when the server process hangs (SIGSTOP, a
 * stalled disk) — connections stay open and new ones are accepted, but no byte is passed
 * on in either direction;</li>
 * <li>{@link #restore()}: forwarding again, on the same port.</li>
 * </ul>
 * The server itself is never touched, so a test needs no privileges and the server's data
 * is exactly as it was. Each connection costs two virtual threads.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does with traffic now. */
    public enum State {

        /** Bytes pass. */
        FORWARDING,
        /** Connections are held; no byte passes. */
        FROZEN,
        /** Nothing listens; open connections were closed. */
        CUT

    }

    private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(10);

    private final int port;

    private final InetSocketAddress target;

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private final ReentrantLock lock = new ReentrantLock();

    private final Condition thawed = lock.newCondition();

    private volatile State state = State.FORWARDING;

    private volatile ServerSocket listener;

    private volatile boolean closed;

    private final AtomicLong clientBytes = new AtomicLong();

    private final AtomicLong accepted = new AtomicLong();

    private FaultProxy(int port, InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = bind(port);
        this.port = listener.getLocalPort();
        accept(listener);
    }

    /**
     * Starts forwarding from a free loopback port.
     * @param host the server's host
     * @param port the server's port
     * @return the running proxy
     * @throws IOException if no port can be bound
     */
    public static FaultProxy start(String host, int port) throws IOException {
        return start(0, host, port);
    }

    /**
     * Starts forwarding from a given loopback port.
     * @param listenPort the port clients connect to (0: any free one)
     * @param host the server's host
     * @param port the server's port
     * @return the running proxy
     * @throws IOException if the port cannot be bound
     */
    public static FaultProxy start(int listenPort, String host, int port) throws IOException {
        return new FaultProxy(listenPort, new InetSocketAddress(host, port));
    }

    /**
     * Starts forwarding from a free loopback port to the server of a JDBC URL.
     * @param jdbcUrl e.g. {@code jdbc:postgresql://localhost:5433/edp}
     * @return the running proxy; {@link #jdbcUrl(String)} gives the URL through it
     * @throws IOException if no port can be bound
     */
    public static FaultProxy inFrontOf(String jdbcUrl) throws IOException {
        URI server = URI.create(jdbcUrl.substring("jdbc:".length()));
        return start(server.getHost(), server.getPort());
    }

    /**
     * @return the loopback port clients connect to
     */
    public int port() {
        return port;
    }

    /**
     * @return what the proxy does now
     */
    public State state() {
        return state;
    }

    /**
     * @return client connections open now
     */
    public int openConnections() {
        return sockets.size() / 2;
    }

    /**
     * @return bytes clients have sent so far, counted when the proxy reads them, so also
     * while frozen: shows that a client tried to talk to the server
     */
    public long clientBytes() {
        return clientBytes.get();
    }

    /**
     * @return client connections accepted so far, also while frozen: a second one shows
     * that a client gave up on the first and tried again
     */
    public long acceptedConnections() {
        return accepted.get();
    }

    /**
     * Rewrites a JDBC URL of the server to go through this proxy (host and port
     * replaced).
     * @param jdbcUrl e.g. {@code jdbc:postgresql://localhost:5433/edp?x=y}
     * @return the same URL with {@code 127.0.0.1:<port()>}
     */
    public String jdbcUrl(String jdbcUrl) {
        int start = jdbcUrl.indexOf("//") + 2;
        int end = jdbcUrl.indexOf('/', start);
        return jdbcUrl.substring(0, start) + "127.0.0.1:" + port + (end < 0 ? "" : jdbcUrl.substring(end));
    }

    /** Closes every open connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        lock.lock();
        try {
            state = State.CUT;
            closeQuietly(listener);
            sockets.forEach(FaultProxy::closeQuietly);
            sockets.clear();
            thawed.signalAll();
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Holds every byte in both directions, on open and new connections, until
     * {@link #restore()}.
     */
    public void freeze() {
        lock.lock();
        try {
            if (state == State.CUT) {
                throw new IllegalStateException("cut: restore first");
            }
            state = State.FROZEN;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Forwards again; after a cut the port is listened on again.
     * @throws IOException if the port cannot be bound again within 10 s
     */
    public void restore() throws IOException {
        lock.lock();
        try {
            if (state == State.CUT && !closed) {
                ServerSocket again = bindWithin(port, REBIND_TIMEOUT);
                listener = again;
                accept(again);
            }
            state = State.FORWARDING;
            thawed.signalAll();
        }
        finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        cut();
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        return socket;
    }

    /**
     * The port was closed a moment ago; the kernel may need a moment before it can be
     * bound again.
     */
    private static ServerSocket bindWithin(int port, Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                return bind(port);
            }
            catch (IOException ex) {
                if (Instant.now().isAfter(deadline)) {
                    throw ex;
                }
                try {
                    Thread.sleep(50);
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw ex;
                }
            }
        }
    }

    private void accept(ServerSocket server) {
        Thread.ofPlatform().daemon().name("fault-proxy-" + port).start(() -> {
            while (!server.isClosed()) {
                Socket client;
                try {
                    client = server.accept();
                }
                catch (IOException ex) {
                    return; // closed by cut()
                }
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> connect(client));
            }
        });
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(target, 5_000);
        }
        catch (IOException ex) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        lock.lock();
        try {
            if (state == State.CUT) {
                closeQuietly(client);
                closeQuietly(upstream);
                return;
            }
            sockets.add(client);
            sockets.add(upstream);
        }
        finally {
            lock.unlock();
        }
        Thread.ofVirtual().start(() -> pump(client, upstream, clientBytes));
        pump(upstream, client, new AtomicLong());
    }

    /**
     * Copies one direction until either side closes; waits while frozen before passing
     * bytes on.
     */
    private void pump(Socket from, Socket to, AtomicLong count) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                count.addAndGet(read);
                if (!awaitForwarding()) {
                    break;
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        }
        catch (IOException ex) {
            // One side went away (or cut() closed it): end both.
        }
        finally {
            sockets.remove(from);
            sockets.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * @return false if the connection is to be dropped (cut while waiting)
     */
    private boolean awaitForwarding() {
        if (state == State.FORWARDING) {
            return true;
        }
        lock.lock();
        try {
            while (state == State.FROZEN) {
                thawed.awaitUninterruptibly();
            }
            return state == State.FORWARDING;
        }
        finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            if (closeable instanceof Socket socket && !socket.isClosed()) {
                try {
                    // Reset rather than a polite FIN: like a server that is gone, not one
                    // that said goodbye.
                    socket.setSoLinger(true, 0);
                }
                catch (SocketException ignored) {
                    // closing anyway
                }
            }
            closeable.close();
        }
        catch (Exception ignored) {
            // closing anyway
        }
    }

}
