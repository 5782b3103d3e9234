package dev.edp.test.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a free loopback port that stands in for a backend service behind
 * a gateway: it records every request it gets and answers with what a test scripted, so
 * gateway tests see real connections, real timeouts and real refusals.
 */
public final class StubBackend implements AutoCloseable {

    /** What the backend saw. */
    public record Received(String method, String pathAndQuery, Map<String, List<String>> headers, String body) {

        /**
         * @param name header name, case-insensitive
         * @return the first value, or null
         */
        public String header(String name) {
            return headers.entrySet()
                .stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst())
                .findFirst()
                .orElse(null);
        }
    }

    /** A scripted answer, with response headers besides the content type. */
    public record Answer(int status, String contentType, String body, long delayMillis, Map<String, String> headers) {

        /**
         * An answer without headers besides the content type.
         * @param status the status
         * @param contentType the content type, or null
         * @param body the body, or null
         * @param delayMillis how long to wait before answering
         */
        public Answer(int status, String contentType, String body, long delayMillis) {
            this(status, contentType, body, delayMillis, Map.of());
        }
    }

    private final HttpServer server;

    private final List<Received> received = new CopyOnWriteArrayList<>();

    private final Map<String, List<Answer>> scripts = new ConcurrentHashMap<>();

    private final Map<String, Function<Received, Answer>> responders = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    private StubBackend(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts a stub on a free port that answers 200 {@code {"ok":true}} unless scripted
     * otherwise.
     * @return the running stub
     */
    public static StubBackend start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            StubBackend stub = new StubBackend(server);
            server.createContext("/", stub::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return stub;
        }
        catch (IOException ex) {
            throw new IllegalStateException("Could not start the stub backend", ex);
        }
    }

    /**
     * A loopback port on which nothing listens: a service that was stopped. The port
     * stays bound (by a socket that never listens, without {@code SO_REUSEADDR}) for the
     * rest of the JVM, so connecting is refused and no server started later - the test's
     * own application on a random port included - can be given it. A port merely found
     * free and released was once handed to the very service under test, which then called
     * itself as its "stopped" dependency, recursively.
     * @return the port
     */
    public static int closedPort() {
        try {
            Socket socket = new Socket();
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            RESERVED_CLOSED_PORTS.add(socket);
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Sockets holding the ports of {@link #closedPort()}; never closed. */
    private static final List<Socket> RESERVED_CLOSED_PORTS = new CopyOnWriteArrayList<>();

    /**
     * Scripts the answers for a path: the n-th call gets the n-th answer, later calls the
     * last one.
     * @param path the request path (without query)
     * @param answers the answers in order
     * @return this stub
     */
    public StubBackend script(String path, Answer... answers) {
        scripts.put(path, List.of(answers));
        return this;
    }

    /**
     * Answers each call of a path with what a function makes of the request (outranks a
     * {@link #script}).
     * @param path the request path (without query)
     * @param responder the answer for a request
     * @return this stub
     */
    public StubBackend respond(String path, Function<Received, Answer> responder) {
        responders.put(path, responder);
        return this;
    }

    /**
     * @return the base URL, {@code http://127.0.0.1:<port>}
     */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * @return the loopback port it listens on
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * @return every request received so far
     */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /**
     * @param path a request path
     * @return how many requests reached it
     */
    public int calls(String path) {
        AtomicInteger count = calls.get(path);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        Received request = new Received(exchange.getRequestMethod(), query == null ? path : path + "?" + query,
                Map.copyOf(exchange.getRequestHeaders()), body);
        received.add(request);
        int call = calls.computeIfAbsent(path, key -> new AtomicInteger()).getAndIncrement();
        List<Answer> script = scripts.get(path);
        Function<Received, Answer> responder = responders.get(path);
        Answer answer = responder != null ? responder.apply(request)
                : script == null ? new Answer(200, "application/json", "{\"ok\":true}", 0)
                        : script.get(Math.min(call, script.size() - 1));
        if (answer.delayMillis() > 0) {
            try {
                Thread.sleep(answer.delayMillis());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        if (answer.contentType() != null) {
            exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        }
        answer.headers().forEach(exchange.getResponseHeaders()::add);
        try {
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        catch (IOException ex) {
            // The caller gave up (a gateway timeout): nothing to answer.
        }
        finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
