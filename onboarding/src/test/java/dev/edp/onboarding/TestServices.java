package dev.edp.onboarding;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.edp.onboarding.pki.Pem;
import dev.edp.test.device.TestE3;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The neighbours of onboarding in its tests, one per test JVM: E3 (an EC key whose JWKS a
 * {@link TestE3}: device credentials and request proofs, as E3 makes them) and
 * device-management (a real HTTP server found through the simple discovery client, as
 * Eureka would find it, that registers devices like the real one and records what it was
 * sent).
 */
public final class TestServices {

    private static final TestE3 E3 = TestE3.shared();

    /** The stand-in for device-management. */
    public static final DeviceManagement DEVICE_MANAGEMENT = new DeviceManagement();

    /** The stand-in for masterdata's customer status. */
    public static final Masterdata MASTERDATA = new Masterdata();

    private TestServices() {
    }

    /**
     * A stand-in service's HTTP server, started on a free loopback port.
     * @param handler answers every request, each on its own virtual thread
     * @return the server
     */
    public static HttpServer loopbackServer(HttpHandler handler) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        server.createContext("/", handler);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }

    /**
     * @param server a server of {@link #loopbackServer}
     * @return its base URL
     */
    public static String baseUrl(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Points every service context of this test JVM at the stand-ins. */
    public static final class Properties implements EnvironmentPostProcessor {

        @Override
        public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
            environment.getPropertySources()
                .addFirst(new MapPropertySource("onboardingTestServices",
                        Map.of("edp.device.jwks-uri", E3.jwksUri(), "edp.device.proof-keys-uri", E3.proofKeysUri(),
                                // EdpServiceTest switches discovery off; the simple
                                // discovery client is what lets the load-balanced clients
                                // (DeviceRegistry, ServiceCalls) find device-management.
                                "spring.cloud.discovery.enabled", "true",
                                "spring.cloud.discovery.client.simple.instances.device-management[0].uri",
                                DEVICE_MANAGEMENT.url(),
                                "spring.cloud.discovery.client.simple.instances.masterdata[0].uri", MASTERDATA.url(),
                                "edp.customer-status.enabled", "true")));
        }

    }

    /**
     * What E3 adds to one request of a device: its credential and the request's proof.
     * @param device the device
     * @param customer its customer
     * @param serial the serial of the certificate it presented (hex)
     * @param method request method
     * @param path request path
     * @return the headers
     */
    public static Map<String, String> deviceHeaders(UUID device, UUID customer, String serial, String method,
            String path) {
        return E3.deviceHeaders(new TestE3.Device(device, customer, serial, null), "onboarding", method, path, null);
    }

    /**
     * Like {@link #deviceHeaders}, but the credential is signed with a key E3 does not
     * have.
     */
    public static Map<String, String> forgedDeviceHeaders(UUID device, UUID customer, String serial, String method,
            String path) {
        String forged = E3.forgedCredential(new TestE3.Device(device, customer, serial, null), "onboarding");
        return Map.of(TestE3.CREDENTIAL_HEADER, forged, TestE3.PROOF_HEADER,
                E3.proof(forged, "onboarding", method, path, null, "127.0.0.1"));
    }

    /**
     * What E3 adds to a request without a device certificate (enrollment): the proof with
     * the client address E3 saw, bound to the request.
     * @param method request method
     * @param path request path
     * @param rawQuery raw query, or null
     * @param clientAddress the client's address
     * @return the headers
     */
    public static Map<String, String> clientHeaders(String method, String path, String rawQuery, String clientAddress) {
        return E3.anonymousHeaders("onboarding", method, path, rawQuery, clientAddress);
    }

    /** Like {@link #clientHeaders}, but the proof is made with a key E3 never issued. */
    public static Map<String, String> forgedClientHeaders(String method, String path, String rawQuery,
            String clientAddress) {
        return Map.of(TestE3.PROOF_HEADER, E3.forgedProof(null, "onboarding", method, path, rawQuery, clientAddress));
    }

    /** A fresh EC P-256 key and a BouncyCastle-made CSR for it, as PEM. */
    public record DeviceKey(KeyPair keys, String csrPem, byte[] csrDer) {

        public static DeviceKey generate() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair keys = generator.generateKeyPair();
                byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=ignored-by-the-ca"),
                        keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                    .getEncoded();
                return new DeviceKey(keys, Pem.certificateRequest(der), der);
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    /**
     * device-management as onboarding sees it: {@code POST /api/devices/v1/devices}
     * registers the device under an id it assigns, named {@code device-} + the id's first
     * 8 hex digits unless a name is sent (201 with the device), unless a refusal was
     * scripted for the customer; a body with an {@code id} is refused with 400 as
     * device-management does; {@code PUT
     * /api/devices/v1/internal/devices/{id}/certificate} answers 204 unless statuses were
     * scripted for the device; {@code POST /api/devices/v1/internal/certificates} takes
     * each certificate of the batch as that PUT would and, as device-management does,
     * answers the first refusal among them for the whole batch (or 204).
     */
    public static final class DeviceManagement {

        /** A request it received. */
        public record Received(String method, String path, String authorization, String body) {
        }

        /** A scripted answer. */
        public record Answer(int status, String body) {
        }

        private final HttpServer server;

        private final List<Received> received = new CopyOnWriteArrayList<>();

        /** As {@link #certificateUpdates}, each with the device id in its path. */
        private final List<Received> certificateUpdates = new CopyOnWriteArrayList<>();

        private final Map<UUID, Answer> registrationAnswers = new ConcurrentHashMap<>();

        private final Map<UUID, Deque<Integer>> certificateStatuses = new ConcurrentHashMap<>();

        private final Map<UUID, Answer> certificateRefusals = new ConcurrentHashMap<>();

        private final Map<UUID, String> assigned = new ConcurrentHashMap<>();

        DeviceManagement() {
            server = loopbackServer(this::handle);
        }

        public String url() {
            return baseUrl(server);
        }

        /** Registrations for this customer get this answer. */
        public void answerRegistrations(UUID customer, int status, String body) {
            registrationAnswers.put(customer, new Answer(status, body));
        }

        /**
         * The next certificate updates of this device get these statuses, in order (then
         * 204).
         */
        public void answerCertificateUpdates(UUID device, Integer... statuses) {
            certificateStatuses.put(device, new ArrayDeque<>(List.of(statuses)));
        }

        /**
         * Every certificate update of this device gets this answer (a problem+json
         * refusal).
         */
        public void refuseCertificateUpdates(UUID device, int status, String problem) {
            certificateRefusals.put(device, new Answer(status, problem));
        }

        /**
         * @return the ids this stub assigned to the customer's devices
         */
        public List<UUID> assignedIds(UUID customer) {
            return assigned.entrySet()
                .stream()
                .filter(entry -> entry.getValue().equals(customer.toString()))
                .map(Map.Entry::getKey)
                .toList();
        }

        public List<Received> received(String method, String path) {
            return received.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
        }

        /**
         * @return every time device-management was told of a certificate of this device,
         * alone ({@code PUT}, the request's body) or in a batch ({@code POST}, the
         * certificate's part of the body)
         */
        public List<Received> certificateUpdates(UUID device) {
            return certificateUpdates.stream().filter(update -> update.path().contains(device.toString())).toList();
        }

        /** The answer to one certificate update of this device. */
        private Answer certificateAnswer(UUID device) {
            Answer refusal = certificateRefusals.get(device);
            Deque<Integer> statuses = certificateStatuses.get(device);
            Integer status = statuses == null ? null : statuses.pollFirst();
            return refusal != null ? refusal : new Answer(status == null ? 204 : status, null);
        }

        private void handle(HttpExchange exchange) throws IOException {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(method, path, exchange.getRequestHeaders().getFirst("Authorization"), body));
            Answer answer;
            if (method.equals("POST") && path.equals("/api/devices/v1/devices")) {
                String customer = JsonPath.read(body, "$.customerId");
                Map<String, Object> request = JsonPath.read(body, "$");
                UUID id = UUID.randomUUID();
                String name = request.get("name") instanceof String given ? given
                        : "device-" + id.toString().substring(0, 8);
                answer = request.containsKey("id") ? new Answer(400,
                        "{\"status\":400,\"code\":\"VALIDATION_FAILED\",\"title\":\"Invalid request\","
                                + "\"detail\":\"The request has 1 invalid field(s).\",\"errors\":[{\"field\":\"id\"}]}")
                        : registrationAnswers.getOrDefault(UUID.fromString(customer),
                                new Answer(201, "{\"id\":\"" + id + "\",\"customerId\":\"" + customer + "\",\"name\":\""
                                        + name + "\",\"lifecycle\":\"PENDING_ONBOARDING\"}"));
                if (answer.status() == 201) {
                    assigned.put(id, customer);
                }
            }
            else if (method.equals("PUT")
                    && path.matches("/api/devices/v1/internal/devices/[0-9a-f-]{36}/certificate")) {
                UUID device = UUID.fromString(path.split("/")[6]);
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                certificateUpdates.add(new Received(method, path, authorization, body));
                answer = certificateAnswer(device);
            }
            else if (method.equals("POST") && path.equals("/api/devices/v1/internal/certificates")) {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                List<Map<String, Object>> items = JsonPath.read(body, "$.certificates");
                answer = new Answer(204, null);
                for (Map<String, Object> item : items) {
                    UUID device = UUID.fromString((String) item.get("deviceId"));
                    certificateUpdates.add(new Received(method, path + "#" + device, authorization,
                            JsonPath.parse(item.get("certificate")).jsonString()));
                    Answer one = certificateAnswer(device);
                    answer = answer.status() < 300 ? one : answer;
                }
            }
            else {
                answer = new Answer(404, "{\"status\":404,\"code\":\"NOT_FOUND\"}");
            }
            byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0) {
                exchange.getResponseHeaders()
                    .add("Content-Type", answer.status() >= 400 ? "application/problem+json" : "application/json");
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            exchange.close();
        }

    }

    /**
     * masterdata as onboarding sees it: {@code GET
     * /api/masterdata/v1/customers/{id}/status} answers 200 {@code ACTIVE}, or
     * {@code DEACTIVATED} for a customer a test deactivated, or 503 while a test makes it
     * fail; it records who asked (the bearer token).
     */
    public static final class Masterdata {

        /** A status request: the customer and the caller's bearer token. */
        public record Asked(UUID customerId, String authorization) {
        }

        private final HttpServer server;

        private final Set<UUID> deactivated = ConcurrentHashMap.newKeySet();

        private final List<Asked> asked = new CopyOnWriteArrayList<>();

        private volatile boolean failing;

        Masterdata() {
            server = loopbackServer(this::handle);
        }

        public String url() {
            return baseUrl(server);
        }

        public void deactivate(UUID customer) {
            deactivated.add(customer);
        }

        public void activate(UUID customer) {
            deactivated.remove(customer);
        }

        /**
         * @param value whether every status request gets 503
         */
        public void failing(boolean value) {
            failing = value;
        }

        /**
         * @return the status requests about this customer
         */
        public List<Asked> asked(UUID customer) {
            return asked.stream().filter(a -> a.customerId().equals(customer)).toList();
        }

        private void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            int status;
            String body;
            if (exchange.getRequestMethod().equals("GET")
                    && path.matches("/api/masterdata/v1/customers/[0-9a-f-]{36}/status")) {
                UUID customer = UUID.fromString(path.split("/")[5]);
                asked.add(new Asked(customer, exchange.getRequestHeaders().getFirst("Authorization")));
                status = failing ? 503 : 200;
                body = failing ? "{\"status\":503,\"code\":\"UNAVAILABLE\"}" : "{\"id\":\"" + customer
                        + "\",\"status\":\"" + (deactivated.contains(customer) ? "DEACTIVATED" : "ACTIVE") + "\"}";
            }
            else {
                status = 404;
                body = "{\"status\":404,\"code\":\"NOT_FOUND\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders()
                .add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            exchange.close();
        }

    }

}
