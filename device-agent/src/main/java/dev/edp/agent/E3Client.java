package dev.edp.agent;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The device's HTTP calls to E3, one client per certificate (a renewed certificate needs
 * a new client: the TLS context is fixed when the client is built). Every error is an
 * {@link E3Exception} that says whether to stop, retry or give up on the request: only
 * E3's refusals of the certificate (401 {@link #CERTIFICATE_REFUSALS}) stop the agent.
 * The requests travel over an {@link E3Transport} (the JDK client by default, or a shared
 * Netty event loop for fleets in one JVM); what is sent and how answers are read does not
 * depend on it.
 */
public final class E3Client implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * E3's refusals of the certificate itself (e3-proxy README, "What is refused where"):
     * the only 401s after which the agent stops. Every other 401 is retried.
     */
    static final Set<String> CERTIFICATE_REFUSALS = Set.of("DEVICE_CERTIFICATE_REVOKED", "DEVICE_CERTIFICATE_INVALID",
            "DEVICE_CERTIFICATE_REQUIRED");

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Shared by every request of every device (immutable). */
    private static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", "application/json", "Accept",
            "application/json");

    private static final Map<String, String> ACCEPT_JSON = Map.of("Accept", "application/json");

    private static final byte[] NO_BODY = new byte[0];

    /**
     * CA certificates of issued chains, kept once: every device of a simulated fleet
     * receives the same few, and a parsed certificate costs a few kilobytes. Bounded, so
     * a server cannot grow it.
     */
    private static final Map<ByteBuffer, X509Certificate> CA_CERTIFICATES = new ConcurrentHashMap<>();

    private static final int MAX_SHARED_CA_CERTIFICATES = 32;

    private final String basePath;

    private final E3Transport.Session session;

    /**
     * Over the JDK client ({@link E3Transport#jdk()}).
     * @param e3 E3's base URL, e.g. {@code https://localhost:8443}
     * @param trust what to trust for E3's server certificate
     * @param credentials the device's certificate for mTLS, or null for enrollment only
     */
    public E3Client(URI e3, E3Trust trust, Credentials credentials) {
        this(e3, trust, credentials, E3Transport.jdk());
    }

    /**
     * @param e3 E3's base URL, e.g. {@code https://localhost:8443}
     * @param trust what to trust for E3's server certificate
     * @param credentials the device's certificate for mTLS, or null for enrollment only
     * @param transport how requests travel
     */
    public E3Client(URI e3, E3Trust trust, Credentials credentials, E3Transport transport) {
        String path = e3.getRawPath() == null ? "" : e3.getRawPath();
        this.basePath = path.replaceAll("/+$", "");
        this.session = transport.open(e3, trust, credentials);
    }

    /**
     * What enrollment and renewal answer.
     *
     * @param identity the device identity of the new certificate
     * @param chain the new certificate followed by the CA chain
     */
    public record Issued(DeviceIdentity identity, List<X509Certificate> chain) {
    }

    /**
     * {@code POST /onboarding/api/v1/enrollments} (no client certificate needed).
     * @param token the onboarding token
     * @param csrPem the CSR
     * @return the issued certificate
     * @throws E3Exception if refused
     */
    public Issued enroll(String token, String csrPem) throws E3Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("csr", csrPem);
        try {
            E3Transport.Request request = post("/onboarding/api/v1/enrollments", body, false);
            return issued(send(request, 200, 201), request.path());
        }
        catch (E3Exception ex) {
            if (ex.status() == 401) {
                // TOKEN_UNKNOWN: the token, not a certificate, was refused; retrying will
                // not change that.
                throw new E3Exception(E3Exception.Kind.REJECTED, ex.status(), ex.code(), ex.retryAfter(),
                        ex.getMessage(), ex.getCause());
            }
            throw ex;
        }
    }

    /**
     * {@code POST /onboarding/api/v1/renewals} with the current certificate.
     * @param csrPem a CSR for the new key
     * @return the new certificate
     * @throws E3Exception if refused
     */
    public Issued renew(String csrPem) throws E3Exception {
        E3Transport.Request request = post("/onboarding/api/v1/renewals", Map.of("csr", csrPem), false);
        return issued(send(request, 200, 201), request.path());
    }

    /**
     * {@code POST /monitoring/api/v1/heartbeat}.
     * @param heartbeat the heartbeat body
     * @throws E3Exception if refused
     */
    public void heartbeat(Map<String, Object> heartbeat) throws E3Exception {
        send(post("/monitoring/api/v1/heartbeat", heartbeat, true), 202, 200, 204);
    }

    /**
     * {@code POST /monitoring/api/v1/monitoring/container}.
     * @param containers every container on the device
     * @throws E3Exception if refused
     */
    public void containerReport(List<ContainerStatus> containers) throws E3Exception {
        send(post("/monitoring/api/v1/monitoring/container", Map.of("containers", containers), true), 202, 200, 204);
    }

    /**
     * {@code POST /devices/api/v1/device/reported-state}.
     * @param agentVersion the agent's version
     * @param osVersion the OS version
     * @param releaseId the release being reconciled to, or null
     * @param containers every container
     * @throws E3Exception if refused
     */
    public void reportedState(String agentVersion, String osVersion, UUID releaseId, List<ContainerStatus> containers)
            throws E3Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agentVersion", agentVersion);
        body.put("osVersion", osVersion);
        body.put("releaseId", releaseId);
        body.put("containers", containers);
        send(post("/devices/api/v1/device/reported-state", body, true), 204, 200, 202);
    }

    /**
     * {@code GET /devices/api/v1/device/desired-state?wait=N} with {@code If-None-Match}.
     * @param etag the ETag of the state the device has, or null
     * @param waitSeconds how long E3 may hold the request for a change (0 to 60)
     * @return the new state, or null when unchanged (304)
     * @throws E3Exception if refused
     */
    public DesiredState desiredState(String etag, int waitSeconds) throws E3Exception {
        Map<String, String> headers = etag == null ? ACCEPT_JSON
                : Map.of("Accept", "application/json", "If-None-Match", etag);
        E3Transport.Request request = new E3Transport.Request("GET", basePath + "/devices/api/v1/device/desired-state",
                "wait=" + waitSeconds, headers, NO_BODY, REQUEST_TIMEOUT.plusSeconds(waitSeconds), true);
        E3Transport.Response response = send(request, 200, 304);
        if (response.status() == 304) {
            return null;
        }
        JsonNode body = parse(response, request.path());
        List<ContainerSpec> containers = new ArrayList<>();
        for (JsonNode container : body.path("containers")) {
            Map<String, String> env = new LinkedHashMap<>();
            container.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
            List<String> ports = new ArrayList<>();
            container.path("ports").forEach(p -> ports.add(p.asString()));
            String name = text(container, "application");
            containers.add(new ContainerSpec(name != null ? name : text(container, "name"), text(container, "image"),
                    ports, env, text(container, "restartPolicy")));
        }
        String releaseId = text(body, "releaseId");
        return new DesiredState(response.header("ETag"), releaseId == null ? null : UUID.fromString(releaseId),
                text(body, "releaseName"), containers);
    }

    private E3Transport.Request post(String path, Object body, boolean repeatable) {
        return new E3Transport.Request("POST", basePath + path, null, JSON_HEADERS,
                JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8), REQUEST_TIMEOUT, repeatable);
    }

    private E3Transport.Response send(E3Transport.Request request, int... expected) throws E3Exception {
        E3Transport.Response response;
        try {
            response = session.send(request);
        }
        catch (IOException ex) {
            throw new E3Exception(E3Exception.Kind.RETRYABLE, 0, null, null,
                    request.method() + " " + request.path() + ": " + describe(ex), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new E3Exception(E3Exception.Kind.RETRYABLE, 0, null, null, "interrupted", ex);
        }
        int status = response.status();
        for (int ok : expected) {
            if (status == ok) {
                return response;
            }
        }
        String code = problemCode(response);
        E3Exception.Kind kind = kind(status, code);
        String retryAfterHeader = response.header("Retry-After");
        Duration retryAfter = retryAfterHeader == null ? null : retryAfter(retryAfterHeader).orElse(null);
        throw new E3Exception(kind, status, code, retryAfter,
                request.method() + " " + request.path() + " answered " + status + (code != null ? " " + code : ""),
                null);
    }

    private static Issued issued(E3Transport.Response response, String path) throws E3Exception {
        JsonNode body = parse(response, path);
        List<X509Certificate> chain = new ArrayList<>(Pems.certificates(body.path("certificate").asString()));
        String caChain = text(body, "chain");
        if (caChain != null && !caChain.isBlank()) {
            Pems.certificates(caChain).forEach(ca -> chain.add(shared(ca)));
        }
        X509Certificate certificate = chain.getFirst();
        String deviceId = text(body, "deviceId");
        String customerId = text(body, "customerId");
        String notAfter = text(body, "notAfter");
        DeviceIdentity identity = new DeviceIdentity(
                UUID.fromString(deviceId != null ? deviceId
                        : certificate.getSubjectX500Principal().getName().replaceFirst("(?i)^.*CN=([^,]+).*$", "$1")),
                customerId == null ? null : UUID.fromString(customerId),
                text(body, "serial") != null ? text(body, "serial") : certificate.getSerialNumber().toString(16),
                certificate.getNotBefore().toInstant(),
                notAfter != null ? Instant.parse(notAfter) : certificate.getNotAfter().toInstant());
        return new Issued(identity, chain);
    }

    /**
     * @return the same (immutable) certificate seen before, else this one
     */
    static X509Certificate shared(X509Certificate certificate) {
        try {
            ByteBuffer encoded = ByteBuffer.wrap(certificate.getEncoded());
            X509Certificate known = CA_CERTIFICATES.get(encoded);
            if (known != null) {
                return known;
            }
            if (CA_CERTIFICATES.size() < MAX_SHARED_CA_CERTIFICATES) {
                CA_CERTIFICATES.putIfAbsent(encoded, certificate);
            }
        }
        catch (CertificateEncodingException ex) {
            // not shareable; used as it is
        }
        return certificate;
    }

    private static JsonNode parse(E3Transport.Response response, String what) throws E3Exception {
        try {
            return JSON.readTree(response.body());
        }
        catch (JacksonException ex) {
            throw new E3Exception(E3Exception.Kind.REJECTED, response.status(), null, null,
                    "Unreadable answer from " + what, ex);
        }
    }

    private static String problemCode(E3Transport.Response response) {
        if (response.body() == null || response.body().isBlank()) {
            return null;
        }
        try {
            return text(JSON.readTree(response.body()), "code");
        }
        catch (JacksonException ex) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    /**
     * @param status the HTTP status of a refusal
     * @param code its problem code, or null
     * @return how the agent reacts to it
     */
    static E3Exception.Kind kind(int status, String code) {
        if (status == 401) {
            return code != null && CERTIFICATE_REFUSALS.contains(code) ? E3Exception.Kind.UNAUTHORIZED
                    : E3Exception.Kind.RETRYABLE;
        }
        return status == 429 || status >= 500 || status == 408 ? E3Exception.Kind.RETRYABLE : E3Exception.Kind.REJECTED;
    }

    /**
     * {@code Retry-After} as delay-seconds or as an HTTP-date (RFC 9110, 10.2.3); never
     * negative.
     */
    static Optional<Duration> retryAfter(String value) {
        String text = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(text))));
        }
        catch (NumberFormatException ex) {
            try {
                Duration until = Duration.between(Instant.now(),
                        ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            }
            catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static String describe(IOException ex) {
        String message = ex.getMessage();
        return ex.getClass().getSimpleName() + (message != null ? " " + message : "");
    }

    /** Accepts no new requests; those in flight finish. */
    void shutdown() {
        session.shutdown();
    }

    @Override
    public void close() {
        session.close();
    }

}
