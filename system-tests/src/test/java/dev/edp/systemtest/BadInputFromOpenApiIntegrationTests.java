package dev.edp.systemtest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.OidcTokens;
import dev.edp.systemtest.BadInputCases.Case;
import dev.edp.systemtest.OpenApiOperations.Operation;
import dev.edp.test.pki.TestPki;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static dev.edp.test.service.ServiceSmokeChecks.sendBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad-input suite, generated from the OpenAPI documents of the running platform:
 * every operator operation through the gateway and every device operation through E3 gets
 * the bad requests of {@link BadInputCases}; each must answer a 4xx RFC 9457 problem with
 * a {@code code}, no stack trace or class name, and no row may be written (row counts of
 * every table of the services' schemas, {@link RowCounts}); every service is healthy
 * afterwards. On the device side also malformed CSRs (PEM, DER, EST base64 with and
 * without CRLF), truncated and stalled TLS handshakes and oversized headers at E3.
 */
@ExtendWith(RunningPlatform.class)
// In the default build; the tag names both generated suites, which run alone with
// -Dtest='*FromOpenApi*' (docs/resilience.md, "Generated suites: in the default build").
@Tag("generated-suites")
class BadInputFromOpenApiIntegrationTests {

    static RunningPlatform platform;
    static PlatformUsers users;
    static String platformAdmin;
    static String customerA;
    static String adminOfA;
    static X509Certificate e3Certificate;

    @BeforeAll
    static void setUp(RunningPlatform running) throws Exception {
        platform = running;
        users = new PlatformUsers(running);
        platformAdmin = users.platformAdmin();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        customerA = users.createCustomer(platformAdmin, "bad-" + suffix);
        adminOfA = users.createUserAndLogIn(platformAdmin, customerA, "bad-cadmin-" + suffix, "customer-admin");
        e3Certificate = CertificateFactory.getInstance("X.509")
            .generateCertificates(Files.newInputStream(platform.e3TrustFile()))
            .stream()
            .map(X509Certificate.class::cast)
            .toList()
            .getLast();
    }

    @Test
    void everyOperatorOperationRefusesBadInputWithAProblemAndWritesNothing() {
        List<Operation> operations = OpenApiOperations.operatorOperations(platform, adminOfA);
        List<String> failures = new ArrayList<>();
        Map<String, Long> before = RowCounts.settledSnapshot(platform);
        int run = 0;
        for (Operation operation : operations) {
            String token = "platform-admin".equals(operation.requiredRole()) ? platformAdmin : adminOfA;
            for (Case bad : BadInputCases.forOperation(operation, BadInputFromOpenApiIntegrationTests::pathValue)) {
                run++;
                String failure;
                try {
                    HttpResponse<String> response = bad.body() == null
                            ? send(bad.method().toUpperCase(), platform.gatewayUrl() + bad.path(), null, null, token,
                                    bad.headers())
                            : sendBytes(bad.method().toUpperCase(), platform.gatewayUrl() + bad.path(),
                                    bad.contentType(), bad.body(), false, token, bad.headers());
                    failure = problemFailure(response);
                }
                catch (RuntimeException ex) {
                    failure = "no answer: " + ex.getMessage();
                }
                if (failure != null) {
                    failures.add(bad + ": " + failure);
                }
            }
        }
        System.out.printf("Bad input through the gateway: %d cases over %d operations, %d failures%n", run,
                operations.size(), failures.size());
        assertThat(run).as("generated cases").isGreaterThanOrEqualTo(300);
        assertThat(failures).as("cases not answered with a clean 4xx problem").isEmpty();
        assertThat(RowCounts.snapshot(platform)).as("row counts after the bad input").isEqualTo(before);
        for (String service : OpenApiOperations.SERVICES) {
            assertThat(send("GET", platform.gatewayUrl() + "/api/" + service + "/v1/status", null, null).statusCode())
                .as(service + " healthy after the bad input")
                .isEqualTo(200);
        }
    }

    @Test
    void everyDeviceOperationAtE3RefusesBadInputAndMalformedCsrsWithAProblemAndWritesNothing() throws Exception {
        String operator = OidcTokens.clientCredentials(URI.create(platform.keycloakUrl()), EdpRealm.NAME,
                EdpRealm.AUTOMATION_CLIENT_ID, platform.secret("client.edp-automation.secret"));
        HttpClient anonymous = HttpClient.newBuilder()
            .sslContext(TestPki.trustingOnly(e3Certificate))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
        // A device of the automation client's customer, enrolled before the counting
        // starts.
        KeyPair key = ecKey();
        HttpResponse<String> enrolled = post(anonymous, "/onboarding/api/v1/enrollments", "application/json",
                BadInputCases
                    .bytes("{\"token\":\"" + onboardingToken(operator) + "\",\"csr\":" + quote(csrPem(key)) + "}"),
                Map.of());
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        List<X509Certificate> chain = new ArrayList<>();
        chain.addAll(certificates(JsonPath.read(enrolled.body(), "$.certificate")));
        chain.addAll(certificates(JsonPath.read(enrolled.body(), "$.chain")));
        HttpClient device = HttpClient.newBuilder()
            .sslContext(new TestPki.Credential(chain.getFirst(), key.getPrivate(), chain).sslContext(e3Certificate))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
        String token = onboardingToken(operator);

        HttpResponse<String> document = anonymous.send(
                HttpRequest.newBuilder(URI.create(platform.e3Url() + "/openapi/device-api.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(document.statusCode()).isEqualTo(200);
        List<Operation> operations = OpenApiOperations.operations("e3",
                OpenApiOperations.JSON.readTree(document.body()), path -> true);
        List<Case> cases = new ArrayList<>();
        for (Operation operation : operations) {
            cases.addAll(BadInputCases.forOperation(operation, name -> UUID.randomUUID().toString()));
        }
        cases.addAll(malformedCsrs(token));
        List<String> failures = new ArrayList<>();
        Map<String, Long> before = RowCounts.settledSnapshot(platform);
        Map<Integer, HttpClient> enrollingFrom = new HashMap<>();
        int enrollmentCases = 0;
        for (Case bad : cases) {
            boolean enrollment = bad.path().startsWith("/onboarding/api/v1/enrollments")
                    || bad.path().startsWith("/.well-known/est/simpleenroll");
            // Every refused enrollment counts against onboarding's per-address failure
            // throttle (20 per minute): ten cases per loopback address stay below it,
            // here and for the tests after this one.
            HttpClient client = enrollment ? enrollingFrom.computeIfAbsent(enrollmentCases++ / 10,
                    BadInputFromOpenApiIntegrationTests::anonymousFrom) : device;
            String failure;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.e3Url() + bad.path()))
                    .timeout(Duration.ofSeconds(60))
                    .method(bad.method().toUpperCase(), bad.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(bad.body()));
                if (bad.contentType() != null) {
                    request.header("Content-Type", bad.contentType());
                }
                bad.headers().forEach(request::header);
                failure = problemFailure(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
            }
            catch (IOException | RuntimeException ex) {
                failure = "no answer: " + ex;
            }
            if (failure != null) {
                failures.add(bad + ": " + failure);
            }
        }
        System.out.printf("Bad input through E3: %d cases over %d device operations, %d failures%n", cases.size(),
                operations.size(), failures.size());
        assertThat(failures).as("cases not answered with a clean 4xx problem").isEmpty();
        assertThat(RowCounts.snapshot(platform)).as("row counts after the bad input").isEqualTo(before);
        assertThat(get(anonymous, "/onboarding/api/v1/ca/chain.pem", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void e3SurvivesTruncatedAndStalledHandshakesAndRefusesOversizedHeaders() throws Exception {
        HttpClient anonymous = HttpClient.newBuilder()
            .sslContext(TestPki.trustingOnly(e3Certificate))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
        int port = URI.create(platform.e3Url()).getPort();
        // Half a ClientHello (the record says 512 bytes, 40 come), then the connection
        // closes.
        for (int i = 0; i < 20; i++) {
            try (Socket socket = new Socket("localhost", port)) {
                OutputStream out = socket.getOutputStream();
                byte[] half = new byte[40];
                byte[] header = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03 };
                System.arraycopy(header, 0, half, 0, header.length);
                out.write(half);
                out.flush();
            }
            // Connected and gone without a byte.
            new Socket("localhost", port).close();
        }
        // Plain HTTP on the TLS port, and a client that stalls mid-handshake while
        // another is served.
        try (Socket plain = new Socket("localhost", port)) {
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        try (Socket stalled = new Socket("localhost", port)) {
            stalled.getOutputStream().write(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 });
            stalled.getOutputStream().flush();
            assertThat(get(anonymous, "/onboarding/api/v1/ca/chain.pem", Map.of()).statusCode())
                .as("served while another client stalls in its handshake")
                .isEqualTo(200);
        }
        assertThat(get(anonymous, "/onboarding/api/v1/ca/chain.pem", Map.of()).statusCode())
            .as("served after truncated handshakes")
            .isEqualTo(200);

        // Oversized headers: refused quickly, not a hang or a 500, at E3 and at the
        // gateway.
        HttpResponse<String> huge = get(anonymous, "/onboarding/api/v1/ca/chain.pem",
                Map.of("X-Big", "a".repeat(65_536)));
        assertThat(huge.statusCode()).as(huge.body()).isIn(400, 431);
        HttpResponse<String> many = get(anonymous, "/onboarding/api/v1/ca/chain.pem", manyHeaders());
        assertThat(many.statusCode()).as(many.body()).isIn(400, 431);
        HttpResponse<String> atGateway = send("GET", platform.gatewayUrl() + "/api/masterdata/v1/status", null, null,
                null, Map.of("X-Big", "a".repeat(65_536)));
        assertThat(atGateway.statusCode()).as(atGateway.body()).isIn(400, 431);
        assertThat(get(anonymous, "/onboarding/api/v1/ca/chain.pem", Map.of()).statusCode()).isEqualTo(200);
    }

    /**
     * Malformed CSRs at both enrollment endpoints, with a valid onboarding token (so the
     * CSR is what is judged).
     */
    /**
     * An anonymous client from 127.0.4.(n + 1), so refused enrollments spread over
     * addresses.
     */
    private static HttpClient anonymousFrom(int n) {
        try {
            return HttpClient.newBuilder()
                .sslContext(TestPki.trustingOnly(e3Certificate))
                .localAddress(InetAddress.getByName("127.0.4." + (n % 250 + 1)))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static List<Case> malformedCsrs(String token) throws Exception {
        List<Case> cases = new ArrayList<>();
        KeyPair key = ecKey();
        byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=bad-input"), key.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()))
            .getEncoded();
        byte[] tampered = der.clone();
        tampered[tampered.length - 5] ^= 0x55;
        String base64 = Base64.getEncoder().encodeToString(der);
        Map<String, String> pems = new java.util.LinkedHashMap<>();
        pems.put("PEM with garbage inside",
                "-----BEGIN CERTIFICATE REQUEST-----\nnot base64 at all!\n-----END CERTIFICATE REQUEST-----\n");
        pems.put("PEM truncated", pem(der).substring(0, pem(der).length() / 2));
        pems.put("PEM without a footer", pem(der).replace("-----END CERTIFICATE REQUEST-----", ""));
        pems.put("PEM of a certificate", pem(der).replace("CERTIFICATE REQUEST", "CERTIFICATE"));
        pems.put("PEM with a broken signature", pem(tampered));
        pems.put("PEM of 20 KB", "-----BEGIN CERTIFICATE REQUEST-----\n" + "QUFB\n".repeat(4000)
                + "-----END CERTIFICATE REQUEST-----\n");
        // Base64 DER is accepted on purpose (EST sends it), so only a broken one is bad
        // input.
        pems.put("base64 DER with a broken signature", Base64.getEncoder().encodeToString(tampered));
        pems.put("empty CSR", "");
        pems.put("NUL bytes", "\u0000".repeat(64));
        for (Map.Entry<String, String> pem : pems.entrySet()) {
            cases.add(new Case("enrollment with " + pem.getKey(), "post", "/onboarding/api/v1/enrollments",
                    "application/json",
                    BadInputCases.bytes("{\"token\":\"" + token + "\",\"csr\":" + quote(pem.getValue()) + "}"),
                    Map.of()));
        }
        Map<String, byte[]> est = new java.util.LinkedHashMap<>();
        est.put("EST base64 of a tampered CSR", BadInputCases.bytes(Base64.getEncoder().encodeToString(tampered)));
        est.put("EST base64 of a tampered CSR with CRLF",
                BadInputCases.bytes(Base64.getMimeEncoder().encodeToString(tampered)));
        est.put("EST base64 cut in half with CRLF",
                BadInputCases.bytes(Base64.getMimeEncoder().encodeToString(der).substring(0, base64.length() / 2)));
        est.put("EST raw DER instead of base64", der);
        est.put("EST PEM instead of base64", BadInputCases.bytes(pem(der).replace("\n", "\r\n")));
        est.put("EST not base64", BadInputCases.bytes("!!!!\r\n????"));
        est.put("EST base64 of garbage", BadInputCases.bytes(Base64.getEncoder().encodeToString(new byte[300])));
        est.put("EST empty body", new byte[0]);
        est.put("EST 40 KB body", BadInputCases.bytes("QUFB".repeat(10_000)));
        est.put("EST invalid UTF-8", new byte[] { (byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE });
        String basic = "Basic "
                + Base64.getEncoder().encodeToString(("device:" + token).getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> body : est.entrySet()) {
            cases.add(new Case(body.getKey(), "post", "/.well-known/est/simpleenroll", "application/pkcs10",
                    body.getValue(), Map.of("Authorization", basic)));
        }
        cases.add(new Case("EST with a malformed Basic header", "post", "/.well-known/est/simpleenroll",
                "application/pkcs10", BadInputCases.bytes(base64), Map.of("Authorization", "Basic %%%not-base64")));
        cases.add(new Case("EST with JSON instead of PKCS#10", "post", "/.well-known/est/simpleenroll",
                "application/json", BadInputCases.bytes("{}"), Map.of("Authorization", basic)));
        return cases;
    }

    /**
     * @return null when the response is a clean refusal: a 4xx RFC 9457 problem with a
     * code and neither a stack trace nor a class name; else what is wrong with it
     */
    static String problemFailure(HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        String excerpt = body.length() > 300 ? body.substring(0, 300) + "…" : body;
        if (status < 400 || status >= 500) {
            return "status " + status + " " + excerpt;
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            return "status " + status + " without problem+json: " + excerpt;
        }
        try {
            JsonNode problem = OpenApiOperations.JSON.readTree(body);
            if (problem.path("code").asString("").isBlank() || problem.path("status").asInt() != status) {
                return "problem without a code or with another status: " + excerpt;
            }
        }
        catch (RuntimeException ex) {
            return "problem that is not JSON: " + excerpt;
        }
        for (String leak : List.of("Exception", "\tat ", "at java.", "at org.", "dev.edp.", "org.springframework",
                "tools.jackson", "com.fasterxml", "org.hibernate", "org.postgresql")) {
            if (body.contains(leak)) {
                return "leaks '" + leak + "': " + excerpt;
            }
        }
        return null;
    }

    private static String pathValue(String name) {
        return switch (name) {
            case "customerId" -> customerA;
            case "environment" -> "TESTING";
            case "serial" -> "0a1b2c";
            default -> UUID.randomUUID().toString();
        };
    }

    private static String onboardingToken(String operator) {
        HttpResponse<String> token = send("POST", platform.gatewayUrl() + "/api/onboarding/v1/tokens",
                "application/json", "{\"deviceName\":\"bad-input-" + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"environment\":\"TESTING\"}",
                operator);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        return JsonPath.read(token.body(), "$.token");
    }

    private static HttpResponse<String> get(HttpClient client, String path, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.e3Url() + path))
            .timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient client, String path, String type, byte[] body,
            Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.e3Url() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> manyHeaders() {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            headers.put("X-Filler-" + i, "v".repeat(500));
        }
        return headers;
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String csrPem(KeyPair key) throws Exception {
        return pem(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=bad-input-device"), key.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()))
            .getEncoded());
    }

    private static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE REQUEST-----\n"
                + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private static List<X509Certificate> certificates(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
            .stream()
            .map(X509Certificate.class::cast)
            .toList();
    }

    private static String quote(String text) {
        return OpenApiOperations.JSON.writeValueAsString(text);
    }

}
