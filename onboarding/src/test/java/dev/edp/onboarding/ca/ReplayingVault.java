package dev.edp.onboarding.ca;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edp.onboarding.TestServices;
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
 * An HTTP server that answers the Vault calls the provider makes with the response shapes
 * Vault documents, for a whole service under test: it signs what it is sent with a real
 * (embedded) CA as a correctly configured Vault role would, and lists what was revoked in
 * its CRL.
 * <p>
 * Logins as Vault's auth methods answer them: {@code auth/<kubernetes path>/login} with
 * {@code role} and {@code jwt} (accepted when they are {@link #kubernetesRole} and
 * {@link #kubernetesJwt}, which a real Vault checks with a TokenReview), and
 * {@code auth/<approle path>/login} with {@code role_id} and {@code secret_id}; each
 * returns a new token ({@code auth.client_token}, {@code lease_duration}
 * {@link #tokenTtlSeconds}, {@code renewable}). {@code auth/token/renew-self},
 * {@code lookup-self} and {@code revoke-self} work on the presented token. A token is
 * accepted until it is revoked or its renewal is refused ({@link #refuseRenewal}: what
 * Vault answers for an expired token, 403), so a client that kept using it would fail.
 * Token lifetimes are not enforced by the clock (the tests would then depend on the
 * machine's speed); {@link #TOKEN} is accepted from the start, as a configured token.
 */
final class ReplayingVault implements AutoCloseable {

    static final String TOKEN = "hvs.replaying-vault-token";

    /** A call it received, with the token it carried (null without one). */
    record Call(String method, String path, String body, String token) {
    }

    final EmbeddedCertificateAuthority ca = EmbeddedCertificateAuthority.generate(
            new CaKeyProtector(new SecureRandom().generateSeed(32)), EmbeddedCaSettings.defaults().withName("Vault"));

    final List<Call> calls = new CopyOnWriteArrayList<>();

    final Map<BigInteger, IssuedCertificate> issued = new ConcurrentHashMap<>();

    final Map<BigInteger, Instant> revoked = new ConcurrentHashMap<>();

    private final AtomicLong crlNumber = new AtomicLong();

    /** Where the auth methods are mounted. */
    volatile String kubernetesPath = "kubernetes";

    volatile String approlePath = "approle";

    /** Which role and service account token the Kubernetes auth method accepts. */
    final AtomicReference<String> kubernetesRole = new AtomicReference<>("edp-onboarding");

    final AtomicReference<String> kubernetesJwt = new AtomicReference<>();

    /** Which role id and secret id the AppRole auth method accepts. */
    final AtomicReference<String> approleRoleId = new AtomicReference<>();

    final AtomicReference<String> approleSecretId = new AtomicReference<>();

    /** lease_duration of a login or renewal, and the ttl lookup-self reports. */
    volatile long tokenTtlSeconds = 3600;

    /** Tokens the stand-in accepts, and every token a login handed out (in order). */
    final Set<String> validTokens = ConcurrentHashMap.newKeySet();

    /**
     * Whether signing is refused to every token, as a policy without the sign path does.
     */
    volatile boolean forbidSigning;

    final List<String> loginTokens = new CopyOnWriteArrayList<>();

    /** Every renewal answered with 200: the token and the lease_duration it got. */
    final List<Map.Entry<String, Long>> renewals = new CopyOnWriteArrayList<>();

    private final Set<String> refusingRenewal = ConcurrentHashMap.newKeySet();

    private final AtomicInteger tokenNumber = new AtomicInteger();

    private final HttpServer server;

    ReplayingVault() {
        validTokens.add(TOKEN);
        server = TestServices.loopbackServer(this::handle);
    }

    String url() {
        return TestServices.baseUrl(server);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = exchange.getRequestURI().getPath();
        String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
        calls.add(new Call(exchange.getRequestMethod(), path, body, token));
        try {
            if (path.equals("/v1/auth/" + kubernetesPath + "/login")) {
                boolean accepted = kubernetesRole.get().equals(JsonPath.read(body, "$.role"))
                        && JsonPath.<String>read(body, "$.jwt").equals(kubernetesJwt.get());
                login(exchange, accepted, "{\"role\":\"" + kubernetesRole.get() + "\",\"service_account_name\":"
                        + "\"edp-onboarding\",\"service_account_namespace\":\"edp\"}");
                return;
            }
            if (path.equals("/v1/auth/" + approlePath + "/login")) {
                login(exchange, JsonPath.<String>read(body, "$.role_id").equals(approleRoleId.get())
                        && JsonPath.<String>read(body, "$.secret_id").equals(approleSecretId.get()), "null");
                return;
            }
        }
        catch (RuntimeException ex) {
            answer(exchange, 400, "application/json", "{\"errors\":[\"missing or malformed login\"]}");
            return;
        }
        if (token == null || !validTokens.contains(token)) {
            answer(exchange, 403, "application/json", "{\"errors\":[\"permission denied\"]}");
            return;
        }
        try {
            switch (path) {
                case "/v1/auth/token/renew-self" -> {
                    if (refusingRenewal.contains(token)) {
                        // As Vault answers for a token that expired meanwhile: it is
                        // gone.
                        validTokens.remove(token);
                        answer(exchange, 403, "application/json", "{\"errors\":[\"permission denied\"]}");
                    }
                    else {
                        renewals.add(Map.entry(token, tokenTtlSeconds));
                        answer(exchange, 200, "application/json",
                                "{\"request_id\":\"" + UUID.randomUUID()
                                        + "\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,\"data\":null,"
                                        + "\"wrap_info\":null,\"warnings\":null,\"auth\":" + auth(token, "null") + "}");
                    }
                }
                case "/v1/auth/token/lookup-self" -> answer(exchange, 200, "application/json",
                        "{\"data\":{" + "\"accessor\":\"" + accessor(token) + "\",\"creation_ttl\":" + tokenTtlSeconds
                                + ",\"display_name\":\"token-edp-onboarding\",\"explicit_max_ttl\":0,\"id\":\"" + token
                                + "\",\"num_uses\":0,\"orphan\":true,\"path\":\"auth/token/create\",\"period\":"
                                + tokenTtlSeconds + ",\"policies\":[\"default\",\"edp-onboarding\"],\"renewable\":true,"
                                + "\"ttl\":" + tokenTtlSeconds + ",\"type\":\"service\"}}");
                case "/v1/auth/token/revoke-self" -> {
                    validTokens.remove(token);
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                }
                case "/v1/pki/ca_chain" ->
                    answer(exchange, 200, "application/pem-certificate-chain", Pem.certificates(ca.chain()));
                case "/v1/pki/sign/edp-device" -> {
                    if (forbidSigning) {
                        // As Vault answers a valid token whose policy does not allow the
                        // path.
                        answer(exchange, 403, "application/json", "{\"errors\":[\"permission denied\"]}");
                    }
                    else {
                        answer(exchange, 200, "application/json", sign(body));
                    }
                }
                case "/v1/pki/revoke" -> {
                    BigInteger serial = new BigInteger(JsonPath.<String>read(body, "$.serial_number").replace(":", ""),
                            16);
                    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                    revoked.putIfAbsent(serial, at);
                    answer(exchange, 200, "application/json", "{\"data\":{\"revocation_time\":" + at.getEpochSecond()
                            + ",\"revocation_time_rfc3339\":\"" + at + "\"}}");
                }
                case "/v1/pki/crl/rotate" -> answer(exchange, 200, "application/json", "{\"data\":{\"success\":true}}");
                case "/v1/pki/crl/pem" -> {
                    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                    byte[] crl = ca.crl(new CrlRequest(BigInteger.valueOf(crlNumber.incrementAndGet()), now,
                            now.plus(Duration.ofHours(72)),
                            revoked.entrySet()
                                .stream()
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

    /**
     * From now on Vault refuses to renew this token (it expired, or reached its max TTL
     * and was dropped), and stops accepting it at the first refused renewal.
     */
    void refuseRenewal(String token) {
        refusingRenewal.add(token);
    }

    /**
     * @return how many calls went to this path
     */
    long calls(String path) {
        return calls.stream().filter(call -> call.path().equals(path)).count();
    }

    private void login(HttpExchange exchange, boolean accepted, String metadata) throws IOException {
        if (!accepted) {
            answer(exchange, 403, "application/json", "{\"errors\":[\"permission denied\"]}");
            return;
        }
        String token = "hvs.login-" + tokenNumber.incrementAndGet() + "-" + UUID.randomUUID();
        validTokens.add(token);
        loginTokens.add(token);
        answer(exchange, 200, "application/json",
                "{\"request_id\":\"" + UUID.randomUUID() + "\",\"lease_id\":\"\","
                        + "\"renewable\":false,\"lease_duration\":0,\"data\":null,\"wrap_info\":null,\"warnings\":null,"
                        + "\"auth\":" + auth(token, metadata) + "}");
    }

    /** The {@code auth} block of a login or renewal answer. */
    private String auth(String token, String metadata) {
        return "{\"client_token\":\"" + token + "\",\"accessor\":\"" + accessor(token) + "\","
                + "\"policies\":[\"default\",\"edp-onboarding\"],\"token_policies\":[\"default\",\"edp-onboarding\"],"
                + "\"metadata\":" + metadata + ",\"lease_duration\":" + tokenTtlSeconds + ",\"renewable\":true,"
                + "\"entity_id\":\"" + UUID.nameUUIDFromBytes(metadata.getBytes(StandardCharsets.UTF_8))
                + "\",\"token_type\":\"service\",\"orphan\":true}";
    }

    private static String accessor(String token) {
        return UUID.nameUUIDFromBytes(token.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * What a role with use_csr_common_name=false, use_csr_sans=false, organization=EDP
     * does.
     */
    private String sign(String body) {
        DeviceIdentity identity = DeviceIdentity.fromUri(JsonPath.read(body, "$.uri_sans"));
        if (!identity.deviceId().equals(UUID.fromString(JsonPath.read(body, "$.common_name")))) {
            throw new IllegalArgumentException("common_name and uri_sans disagree");
        }
        String ttl = JsonPath.read(body, "$.ttl");
        IssuedCertificate certificate = ca.issue(new DeviceCertificateRequest(identity.deviceId(),
                identity.customerId(), new CsrValidator().validate(JsonPath.<String>read(body, "$.csr")),
                Duration.ofSeconds(Long.parseLong(ttl.substring(0, ttl.length() - 1)))));
        issued.put(certificate.serialNumber(), certificate);
        return "{\"data\":{\"certificate\":" + json(Pem.certificate(certificate.certificate())) + ",\"expiration\":"
                + certificate.notAfter().getEpochSecond() + ",\"issuing_ca\":"
                + json(Pem.certificate(ca.chain().getFirst())) + ",\"ca_chain\":["
                + json(Pem.certificate(ca.chain().get(0))) + "," + json(Pem.certificate(ca.chain().get(1)))
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
