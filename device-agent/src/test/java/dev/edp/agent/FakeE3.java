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
import java.util.LinkedHashMap;
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
 * certificates wanted, enrollment, renewal, heartbeat, container report, desired state
 * (ETag, 304, long-poll), reported state; 401 problem+json for a missing or revoked
 * certificate. Tests script failures through its fields. Served by the JDK's
 * {@link HttpsServer}, or for fleets of simulated devices ({@link #onNetty()}) by a Netty
 * server with BoringSSL, whose handshakes cost a fraction.
 */
final class FakeE3 implements AutoCloseable {

    static final String TOKEN = "good-token";

    static {
        // The JDK server closes kept-alive connections beyond 200 idle ones (read once
        // per JVM): the simulator tests keep two per device for thousands of devices.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "1000000");
        }
    }

    /**
     * A scripted refusal of a heartbeat: status and problem code (null: a problem without
     * one).
     */
    record Failure(int status, String code) {
    }

    final TestCa ca;

    final UUID customerId = UUID.randomUUID();

    /** The JDK server, null on Netty. */
    final HttpsServer server;

    private final NettyE3Server netty;

    volatile Duration deviceLifetime = Duration.ofHours(1);

    /**
     * Decides whether a client certificate has expired; tests move it instead of waiting.
     */
    volatile Clock clock = Clock.systemUTC();

    /**
     * While set, every heartbeat gets this refusal (after the scripted
     * {@link #heartbeatFailures}).
     */
    volatile Failure refuseHeartbeats;

    final AtomicInteger heartbeats = new AtomicInteger();

    final AtomicInteger renewals = new AtomicInteger();

    final Deque<Failure> heartbeatFailures = new ArrayDeque<>();

    /** Scripted refusals of enrollments with the right token, one per attempt. */
    final Deque<Failure> enrollmentFailures = new ArrayDeque<>();

    /** The CSR of every enrollment attempt with the right token, in order. */
    final List<String> enrollmentCsrs = new CopyOnWriteArrayList<>();

    final List<Instant> heartbeatTimes = new CopyOnWriteArrayList<>();

    final List<BigInteger> heartbeatSerials = new CopyOnWriteArrayList<>();

    final List<String> desiredStateRequests = new CopyOnWriteArrayList<>();

    final List<Integer> desiredStateAnswers = new CopyOnWriteArrayList<>();

    /**
     * While set, a conditional desired-state request waits up to {@link #holdFor} for a
     * change, whatever its {@code wait}.
     */
    volatile boolean holdPolls;

    volatile Duration holdFor = Duration.ofSeconds(25);

    /** Requests waiting for a change right now. */
    final AtomicInteger waitingPolls = new AtomicInteger();

    /**
     * Requests that waited and were answered with a new state because it changed
     * meanwhile.
     */
    final AtomicInteger wokenPolls = new AtomicInteger();

    final List<JsonNode> reportedStates = new CopyOnWriteArrayList<>();

    final List<JsonNode> containerReports = new CopyOnWriteArrayList<>();

    final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();

    final Map<BigInteger, UUID> devices = new ConcurrentHashMap<>();

    /** Devices whose heartbeat was accepted at least once. */
    final Set<UUID> heartbeatingDevices = ConcurrentHashMap.newKeySet();

    /** Reported states per device, in order. */
    final Map<UUID, List<JsonNode>> reportedStatesByDevice = new ConcurrentHashMap<>();

    /** The TLS connections (client ports) each device's requests came on. */
    final Map<UUID, Set<Integer>> connectionsByDevice = new ConcurrentHashMap<>();

    /** Enrollments being answered now, and the most there ever were at once. */
    final AtomicInteger enrollmentsInFlight = new AtomicInteger();

    final AtomicInteger maxEnrollmentsInFlight = new AtomicInteger();

    /** The release of the current desired state, null while it is empty. */
    volatile UUID currentRelease;

    private static final byte[] NO_BODY = new byte[0];

    private final Object desiredLock = new Object();

    private int desiredVersion = 1;

    private String desiredBody = "{\"deviceId\":null,\"environment\":\"TESTING\",\"releaseId\":null,\"releaseName\":null,\"containers\":[]}";

    FakeE3() throws Exception {
        this(new TestCa(), 0, false);
    }

    /**
     * @return an E3 served by Netty with BoringSSL (for hundreds of simulated devices)
     */
    static FakeE3 onNetty() throws Exception {
        return new FakeE3(new TestCa(), 0, true);
    }

    private FakeE3(TestCa ca, int port, boolean onNetty) throws Exception {
        this.ca = ca;
        if (onNetty) {
            server = null;
            netty = new NettyE3Server(ca, this);
            return;
        }
        netty = null;
        // A backlog for many simulated devices connecting at once (the default is 50).
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setWantClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(new JdkCall(exchange));
            }
        });
        server.start();
    }

    /** The same E3 (CA, devices) back on a port after {@link #close()}. */
    static FakeE3 reopen(FakeE3 old, int port) throws Exception {
        FakeE3 back = new FakeE3(old.ca, port, false);
        back.devices.putAll(old.devices);
        return back;
    }

    URI url() {
        return URI.create("https://localhost:" + (server != null ? server.getAddress().getPort() : netty.port()));
    }

    E3Trust trust() {
        return E3Trust.of(List.of(ca.root));
    }

    /** A new desired state with one container per image; wakes long-polls. */
    void desire(String releaseName, String... images) {
        StringBuilder containers = new StringBuilder();
        for (int i = 0; i < images.length; i++) {
            containers.append(i == 0 ? "" : ",")
                .append("{\"application\":\"app")
                .append(i)
                .append("\",\"image\":\"")
                .append(images[i])
                .append("\",\"ports\":[\"8080:80\"],\"env\":{\"A\":\"1\"}}");
        }
        UUID release = UUID.randomUUID();
        synchronized (desiredLock) {
            desiredVersion++;
            desiredBody = "{\"environment\":\"TESTING\",\"releaseId\":\"" + release + "\",\"releaseName\":\""
                    + releaseName + "\",\"containers\":[" + containers + "]}";
            currentRelease = release;
            desiredLock.notifyAll();
        }
    }

    String currentEtag() {
        synchronized (desiredLock) {
            return "\"v" + desiredVersion + "\"";
        }
    }

    /** One request, from whichever front end received it; answered exactly once. */
    interface Call {

        String path();

        String query();

        String header(String name);

        byte[] body();

        /**
         * @return the verified client certificate, or null
         */
        X509Certificate clientCertificate();

        int remotePort();

        /**
         * @param body the body, empty for none
         */
        void respond(int status, Map<String, String> headers, byte[] body) throws IOException;

    }

    /** Answers one request (on a virtual thread: a long-poll blocks it). */
    void handle(Call call) throws IOException {
        try {
            String path = call.path();
            byte[] body = call.body();
            if (path.equals("/onboarding/api/v1/enrollments")) {
                JsonNode request = E3Client.JSON.readTree(body);
                if (!TOKEN.equals(request.path("token").asString())) {
                    problem(call, 404, "TOKEN_NOT_FOUND", Map.of());
                    return;
                }
                enrollmentCsrs.add(request.path("csr").asString());
                Failure failure;
                synchronized (enrollmentFailures) {
                    failure = enrollmentFailures.poll();
                }
                if (failure != null) {
                    problem(call, failure.status(), failure.code(), Map.of("Retry-After", "0"));
                    return;
                }
                maxEnrollmentsInFlight.accumulateAndGet(enrollmentsInFlight.incrementAndGet(), Math::max);
                try {
                    issue(call, request.path("csr").asString(), UUID.randomUUID(), 201);
                }
                finally {
                    enrollmentsInFlight.decrementAndGet();
                }
                return;
            }
            X509Certificate client = call.clientCertificate();
            if (client == null) {
                problem(call, 401, "DEVICE_CERTIFICATE_REQUIRED", Map.of());
                return;
            }
            if (revoked.contains(client.getSerialNumber())) {
                problem(call, 401, "DEVICE_CERTIFICATE_REVOKED", Map.of());
                return;
            }
            if (client.getNotAfter().toInstant().isBefore(clock.instant())) {
                problem(call, 401, "DEVICE_CERTIFICATE_INVALID", Map.of());
                return;
            }
            UUID deviceId = devices.get(client.getSerialNumber());
            connectionsByDevice.computeIfAbsent(deviceId, d -> ConcurrentHashMap.newKeySet()).add(call.remotePort());
            switch (path) {
                case "/onboarding/api/v1/renewals" -> {
                    renewals.incrementAndGet();
                    issue(call, E3Client.JSON.readTree(body).path("csr").asString(), deviceId, 200);
                }
                case "/monitoring/api/v1/heartbeat" -> {
                    Failure failure;
                    synchronized (heartbeatFailures) {
                        failure = heartbeatFailures.poll();
                    }
                    failure = failure != null ? failure : refuseHeartbeats;
                    if (failure != null) {
                        problem(call, failure.status(), failure.code(), Map.of("Retry-After", "0"));
                        return;
                    }
                    JsonNode heartbeat = E3Client.JSON.readTree(body);
                    if (heartbeat.path("uptimeSeconds").isMissingNode()
                            || heartbeat.path("memory").path("totalBytes").isMissingNode()) {
                        problem(call, 400, "VALIDATION_FAILED", Map.of());
                        return;
                    }
                    heartbeats.incrementAndGet();
                    heartbeatingDevices.add(deviceId);
                    heartbeatTimes.add(Instant.now());
                    heartbeatSerials.add(client.getSerialNumber());
                    call.respond(202, Map.of(), NO_BODY);
                }
                case "/monitoring/api/v1/monitoring/container" -> {
                    containerReports.add(E3Client.JSON.readTree(body));
                    call.respond(202, Map.of(), NO_BODY);
                }
                case "/devices/api/v1/device/reported-state" -> {
                    JsonNode reported = E3Client.JSON.readTree(body);
                    reportedStates.add(reported);
                    reportedStatesByDevice.computeIfAbsent(deviceId, d -> new CopyOnWriteArrayList<>()).add(reported);
                    call.respond(204, Map.of(), NO_BODY);
                }
                case "/devices/api/v1/device/desired-state" -> desiredState(call);
                default -> problem(call, 404, "NOT_FOUND", Map.of());
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (IOException ex) {
            throw ex;
        }
        catch (Exception ex) {
            throw new IOException(ex);
        }
    }

    private void desiredState(Call call) throws IOException, InterruptedException {
        String ifNoneMatch = call.header("If-None-Match");
        String query = call.query();
        int wait = query != null && query.startsWith("wait=") ? Integer.parseInt(query.substring(5)) : 0;
        desiredStateRequests.add(ifNoneMatch == null ? "-" : ifNoneMatch);
        String etag;
        String body;
        boolean waited = false;
        synchronized (desiredLock) {
            Duration hold = holdPolls && ifNoneMatch != null ? holdFor : Duration.ofSeconds(wait);
            long deadline = System.nanoTime() + hold.toNanos();
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
        if (etag.equals(ifNoneMatch)) {
            desiredStateAnswers.add(304);
            call.respond(304, Map.of("ETag", etag), NO_BODY);
            return;
        }
        desiredStateAnswers.add(200);
        call.respond(200, Map.of("ETag", etag, "Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Issues a device certificate ({@link #deviceLifetime}) for the CSR and knows the
     * device by it from then on, as enrollment and renewal do.
     */
    X509Certificate enroll(String csr, UUID deviceId) throws Exception {
        X509Certificate certificate = ca.issue(csr, deviceId, customerId, deviceLifetime);
        devices.put(certificate.getSerialNumber(), deviceId);
        return certificate;
    }

    private void issue(Call call, String csr, UUID deviceId, int status) throws Exception {
        X509Certificate certificate = enroll(csr, deviceId);
        String response = E3Client.JSON.writeValueAsString(Map.of("deviceId", deviceId, "customerId", customerId,
                "serial", certificate.getSerialNumber().toString(16), "notAfter",
                certificate.getNotAfter().toInstant().toString(), "certificate", Pems.write(List.of(certificate)),
                "chain", Pems.write(List.of(ca.root))));
        call.respond(status, Map.of("Content-Type", "application/json"), response.getBytes(StandardCharsets.UTF_8));
    }

    private static void problem(Call call, int status, String code, Map<String, String> extra) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(extra);
        headers.put("Content-Type", "application/problem+json");
        byte[] bytes = ("{\"type\":\"https://edp.dev/problems/x\",\"title\":\"" + code + "\",\"status\":" + status
                + (code == null ? "" : ",\"code\":\"" + code + "\"") + "}")
            .getBytes(StandardCharsets.UTF_8);
        call.respond(status, headers, bytes);
    }

    /** The JDK server's exchange as a {@link Call}. */
    private static final class JdkCall implements Call {

        private final HttpExchange exchange;

        private final byte[] body;

        JdkCall(HttpExchange exchange) throws IOException {
            this.exchange = exchange;
            this.body = exchange.getRequestBody().readAllBytes();
        }

        @Override
        public String path() {
            return exchange.getRequestURI().getPath();
        }

        @Override
        public String query() {
            return exchange.getRequestURI().getQuery();
        }

        @Override
        public String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public X509Certificate clientCertificate() {
            try {
                return (X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0];
            }
            catch (SSLPeerUnverifiedException ex) {
                return null;
            }
        }

        @Override
        public int remotePort() {
            return exchange.getRemoteAddress().getPort();
        }

        @Override
        public void respond(int status, Map<String, String> headers, byte[] bytes) throws IOException {
            headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }

    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        else {
            netty.close();
        }
    }

}
