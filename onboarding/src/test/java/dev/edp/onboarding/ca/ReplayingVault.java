package dev.edp.onboarding.ca;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edp.onboarding.pki.CaKeyProtector;
import dev.edp.onboarding.pki.CrlRequest;
import dev.edp.onboarding.pki.CsrValidator;
import dev.edp.onboarding.pki.DeviceCertificateRequest;
import dev.edp.onboarding.pki.EmbeddedCaSettings;
import dev.edp.onboarding.pki.EmbeddedCertificateAuthority;
import dev.edp.onboarding.pki.IssuedCertificate;
import dev.edp.onboarding.pki.Pem;
import dev.edp.onboarding.pki.RevokedEntry;
import dev.edp.platform.device.DeviceIdentity;

/**
 * An HTTP server that answers the Vault PKI API calls the provider makes with the response shapes
 * Vault documents, for a whole service under test: it signs what it is sent with a real (embedded)
 * CA as a correctly configured Vault role would, and lists what was revoked in its CRL. Only the
 * token {@link #TOKEN} is accepted.
 */
final class ReplayingVault implements AutoCloseable {

    static final String TOKEN = "hvs.replaying-vault-token";

    /** A call it received. */
    record Call(String method, String path, String body) {
    }

    final EmbeddedCertificateAuthority ca = EmbeddedCertificateAuthority.generate(
            new CaKeyProtector(new SecureRandom().generateSeed(32)), EmbeddedCaSettings.defaults().withName("Vault"));
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Map<BigInteger, IssuedCertificate> issued = new ConcurrentHashMap<>();
    final Map<BigInteger, Instant> revoked = new ConcurrentHashMap<>();
    private final AtomicLong crlNumber = new AtomicLong();
    private final HttpServer server;

    ReplayingVault() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = exchange.getRequestURI().getPath();
        calls.add(new Call(exchange.getRequestMethod(), path, body));
        if (!TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Vault-Token"))) {
            answer(exchange, 403, "application/json", "{\"errors\":[\"permission denied\"]}");
            return;
        }
        try {
            switch (path) {
                case "/v1/pki/ca_chain" -> answer(exchange, 200, "application/pem-certificate-chain",
                        Pem.certificates(ca.chain()));
                case "/v1/pki/sign/edp-device" -> answer(exchange, 200, "application/json", sign(body));
                case "/v1/pki/revoke" -> {
                    BigInteger serial = new BigInteger(JsonPath.<String>read(body, "$.serial_number").replace(":", ""), 16);
                    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                    revoked.putIfAbsent(serial, at);
                    answer(exchange, 200, "application/json", "{\"data\":{\"revocation_time\":" + at.getEpochSecond()
                            + ",\"revocation_time_rfc3339\":\"" + at + "\"}}");
                }
                case "/v1/pki/crl/rotate" -> answer(exchange, 200, "application/json", "{\"data\":{\"success\":true}}");
                case "/v1/pki/crl/pem" -> {
                    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                    byte[] crl = ca.crl(new CrlRequest(BigInteger.valueOf(crlNumber.incrementAndGet()), now,
                            now.plus(Duration.ofHours(72)), revoked.entrySet().stream()
                                    .map(e -> new RevokedEntry(e.getKey(), e.getValue(), RevokedEntry.Reason.UNSPECIFIED))
                                    .toList()));
                    answer(exchange, 200, "text/plain", Pem.crl(crl));
                }
                default -> answer(exchange, 404, "application/json", "{\"errors\":[]}");
            }
        }
        catch (RuntimeException ex) {
            answer(exchange, 400, "application/json", "{\"errors\":[\"" + ex.getMessage().replace("\"", "'") + "\"]}");
        }
    }

    /** What a role with use_csr_common_name=false, use_csr_sans=false, organization=EDP does. */
    private String sign(String body) {
        DeviceIdentity identity = DeviceIdentity.fromUri(JsonPath.read(body, "$.uri_sans"));
        if (!identity.deviceId().equals(UUID.fromString(JsonPath.read(body, "$.common_name")))) {
            throw new IllegalArgumentException("common_name and uri_sans disagree");
        }
        String ttl = JsonPath.read(body, "$.ttl");
        IssuedCertificate certificate = ca.issue(new DeviceCertificateRequest(identity.deviceId(), identity.customerId(),
                new CsrValidator().validate(JsonPath.<String>read(body, "$.csr")),
                Duration.ofSeconds(Long.parseLong(ttl.substring(0, ttl.length() - 1)))));
        issued.put(certificate.serialNumber(), certificate);
        return "{\"data\":{\"certificate\":" + json(Pem.certificate(certificate.certificate())) + ",\"expiration\":"
                + certificate.notAfter().getEpochSecond() + ",\"issuing_ca\":" + json(Pem.certificate(ca.chain().getFirst()))
                + ",\"ca_chain\":[" + json(Pem.certificate(ca.chain().get(0))) + "," + json(Pem.certificate(ca.chain().get(1)))
                + "],\"serial_number\":\"" + VaultCertificateAuthority.colonHex(certificate.serialNumber()) + "\"}}";
    }

    private static String json(String value) {
        return "\"" + value.replace("\n", "\\n").replace("\r", "") + "\"";
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
