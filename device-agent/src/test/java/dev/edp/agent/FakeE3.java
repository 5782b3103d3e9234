package dev.edp.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import tools.jackson.databind.JsonNode;

/**
 * An in-process E3 with the device-facing contract of the platform: real TLS with client
 * certificates wanted (JDK {@link HttpsServer}), enrollment, renewal, heartbeat, container report,
 * desired state (ETag, 304, long-poll), reported state; 401 problem+json for a missing or revoked
 * certificate. Tests script failures through its fields.
 */
final class FakeE3 implements AutoCloseable {

    static final String TOKEN = "good-token";

    /** A scripted refusal of a heartbeat: status and problem code (null: a problem without one). */
    record Failure(int status, String code) {
    }

    final TestCa ca;
    final UUID customerId = UUID.randomUUID();
    final HttpsServer server;
    volatile Duration deviceLifetime = Duration.ofHours(1);
    /** Decides whether a client certificate has expired; tests move it instead of waiting. */
    volatile Clock clock = Clock.systemUTC();
    /** While set, every heartbeat gets this refusal (after the scripted {@link #heartbeatFailures}). */
    volatile Failure refuseHeartbeats;

    final AtomicInteger heartbeats = new AtomicInteger();
    final AtomicInteger renewals = new AtomicInteger();
    final Deque<Failure> heartbeatFailures = new ArrayDeque<>();
    final List<Instant> heartbeatTimes = new CopyOnWriteArrayList<>();
    final List<BigInteger> heartbeatSerials = new CopyOnWriteArrayList<>();
    final List<String> desiredStateRequests = new CopyOnWriteArrayList<>();
    final List<Integer> desiredStateAnswers = new CopyOnWriteArrayList<>();
    /** While set, a conditional desired-state request waits up to 25 s for a change, whatever its {@code wait}. */
    volatile boolean holdPolls;
    /** Requests waiting for a change right now. */
    final AtomicInteger waitingPolls = new AtomicInteger();
    /** Requests that waited and were answered with a new state because it changed meanwhile. */
    final AtomicInteger wokenPolls = new AtomicInteger();
    final List<JsonNode> reportedStates = new CopyOnWriteArrayList<>();
    final List<JsonNode> containerReports = new CopyOnWriteArrayList<>();
    final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
    final Map<BigInteger, UUID> devices = new ConcurrentHashMap<>();

    private final Object desiredLock = new Object();
    private int desiredVersion = 1;
    private String desiredBody = "{\"deviceId\":null,\"environment\":\"TESTING\",\"releaseId\":null,\"releaseName\":null,\"containers\":[]}";

    FakeE3() throws Exception {
        this(new TestCa(), 0);
    }

    private FakeE3(TestCa ca, int port) throws Exception {
        this.ca = ca;
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setWantClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The same E3 (CA, devices) back on a port after {@link #close()}. */
    static FakeE3 reopen(FakeE3 old, int port) throws Exception {
        FakeE3 back = new FakeE3(old.ca, port);
        back.devices.putAll(old.devices);
        return back;
    }

    URI url() {
        return URI.create("https://localhost:" + server.getAddress().getPort());
    }

    E3Trust trust() {
        return E3Trust.of(List.of(ca.root));
    }

    /** A new desired state with one container per image; wakes long-polls. */
    void desire(String releaseName, String... images) {
        StringBuilder containers = new StringBuilder();
        for (int i = 0; i < images.length; i++) {
            containers.append(i == 0 ? "" : ",").append("{\"application\":\"app").append(i)
                    .append("\",\"image\":\"").append(images[i]).append("\",\"ports\":[\"8080:80\"],\"env\":{\"A\":\"1\"}}");
        }
        synchronized (desiredLock) {
            desiredVersion++;
            desiredBody = "{\"environment\":\"TESTING\",\"releaseId\":\"" + UUID.randomUUID() + "\",\"releaseName\":\""
                    + releaseName + "\",\"containers\":[" + containers + "]}";
            desiredLock.notifyAll();
        }
    }

    String currentEtag() {
        synchronized (desiredLock) {
            return "\"v" + desiredVersion + "\"";
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.equals("/onboarding/api/v1/enrollments")) {
                JsonNode request = E3Client.JSON.readTree(body);
                if (!TOKEN.equals(request.path("token").asString())) {
                    problem(exchange, 404, "TOKEN_NOT_FOUND");
                    return;
                }
                issue(exchange, request.path("csr").asString(), UUID.randomUUID(), 201);
                return;
            }
            X509Certificate client = clientCertificate(exchange);
            if (client == null) {
                problem(exchange, 401, "DEVICE_CERTIFICATE_REQUIRED");
                return;
            }
            if (revoked.contains(client.getSerialNumber())) {
                problem(exchange, 401, "DEVICE_CERTIFICATE_REVOKED");
                return;
            }
            if (client.getNotAfter().toInstant().isBefore(clock.instant())) {
                problem(exchange, 401, "DEVICE_CERTIFICATE_INVALID");
                return;
            }
            UUID deviceId = devices.get(client.getSerialNumber());
            switch (path) {
                case "/onboarding/api/v1/renewals" -> {
                    renewals.incrementAndGet();
                    issue(exchange, E3Client.JSON.readTree(body).path("csr").asString(), deviceId, 200);
                }
                case "/monitoring/api/v1/heartbeat" -> {
                    Failure failure;
                    synchronized (heartbeatFailures) {
                        failure = heartbeatFailures.poll();
                    }
                    failure = failure != null ? failure : refuseHeartbeats;
                    if (failure != null) {
                        exchange.getResponseHeaders().add("Retry-After", "0");
                        problem(exchange, failure.status(), failure.code());
                        return;
                    }
                    JsonNode heartbeat = E3Client.JSON.readTree(body);
                    if (heartbeat.path("uptimeSeconds").isMissingNode() || heartbeat.path("memory").path("totalBytes").isMissingNode()) {
                        problem(exchange, 400, "VALIDATION_FAILED");
                        return;
                    }
                    heartbeats.incrementAndGet();
                    heartbeatTimes.add(Instant.now());
                    heartbeatSerials.add(client.getSerialNumber());
                    exchange.sendResponseHeaders(202, -1);
                }
                case "/monitoring/api/v1/monitoring/container" -> {
                    containerReports.add(E3Client.JSON.readTree(body));
                    exchange.sendResponseHeaders(202, -1);
                }
                case "/devices/api/v1/device/reported-state" -> {
                    reportedStates.add(E3Client.JSON.readTree(body));
                    exchange.sendResponseHeaders(204, -1);
                }
                case "/devices/api/v1/device/desired-state" -> desiredState(exchange);
                default -> problem(exchange, 404, "NOT_FOUND");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            throw new IOException(ex);
        }
    }

    private void desiredState(HttpExchange exchange) throws IOException, InterruptedException {
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        String query = exchange.getRequestURI().getQuery();
        int wait = query != null && query.startsWith("wait=") ? Integer.parseInt(query.substring(5)) : 0;
        desiredStateRequests.add(ifNoneMatch == null ? "-" : ifNoneMatch);
        String etag;
        String body;
        boolean waited = false;
        synchronized (desiredLock) {
            long deadline = System.nanoTime() + Duration.ofSeconds(holdPolls && ifNoneMatch != null ? 25 : wait).toNanos();
            if (currentEtag().equals(ifNoneMatch) && System.nanoTime() < deadline) {
                waited = true;
                waitingPolls.incrementAndGet();
                try {
                    while (currentEtag().equals(ifNoneMatch) && System.nanoTime() < deadline) {
                        desiredLock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    }
                }
                finally {
                    waitingPolls.decrementAndGet();
                }
            }
            etag = currentEtag();
            body = desiredBody;
        }
        if (waited && !etag.equals(ifNoneMatch)) {
            wokenPolls.incrementAndGet();
        }
        exchange.getResponseHeaders().add("ETag", etag);
        if (etag.equals(ifNoneMatch)) {
            desiredStateAnswers.add(304);
            exchange.sendResponseHeaders(304, -1);
            return;
        }
        desiredStateAnswers.add(200);
        json(exchange, 200, body);
    }

    private void issue(HttpExchange exchange, String csr, UUID deviceId, int status) throws Exception {
        X509Certificate certificate = ca.issue(csr, deviceId, customerId, deviceLifetime);
        devices.put(certificate.getSerialNumber(), deviceId);
        String response = E3Client.JSON.writeValueAsString(Map.of("deviceId", deviceId, "customerId", customerId,
                "serial", certificate.getSerialNumber().toString(16), "notAfter",
                certificate.getNotAfter().toInstant().toString(), "certificate", Pems.write(List.of(certificate)),
                "chain", Pems.write(List.of(ca.root))));
        json(exchange, status, response);
    }

    private static X509Certificate clientCertificate(HttpExchange exchange) {
        try {
            return (X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0];
        }
        catch (SSLPeerUnverifiedException ex) {
            return null;
        }
    }

    private static void problem(HttpExchange exchange, int status, String code) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
        byte[] bytes = ("{\"type\":\"https://edp.dev/problems/x\",\"title\":\"" + code + "\",\"status\":" + status
                + (code == null ? "" : ",\"code\":\"" + code + "\"") + "}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
