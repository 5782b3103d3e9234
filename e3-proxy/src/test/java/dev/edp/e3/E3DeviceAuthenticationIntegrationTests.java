package dev.edp.e3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.http.StubBackend.Received;
import dev.edp.test.pki.TestPki;
import dev.edp.test.pki.TestPki.Credential;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.e3.E3IntegrationTestSupport.noCertificate;
import static dev.edp.e3.E3IntegrationTestSupport.send;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Device authentication at E3 with real TLS handshakes and certificates of a test PKI. */
class E3DeviceAuthenticationIntegrationTests extends AbstractE3IntegrationTests {

    static final String HEARTBEAT = "/monitoring/api/v1/monitoring/heartbeat";

    @Test
    void validCertificatePassesAndItsIdentityArrivesAsSignedAssertion() {
        UUID customer = UUID.randomUUID();
        UUID deviceId = UUID.randomUUID();
        Credential device = PKI.device(customer, deviceId);
        String path = "/monitoring/api/v1/monitoring/heartbeat/" + deviceId;
        HttpResponse<String> response = send(client(device.sslContext(PKI.root())), "POST", url(path), "{}",
                Map.of("X-EDP-Device-Assertion", "forged", "X-EDP-Device-Id", UUID.randomUUID().toString(),
                        "X-Client-Cert", "spoofed"));
        assertThat(response.statusCode()).isEqualTo(200);
        Received received = monitoring.received().stream().filter(r -> r.pathAndQuery().equals(path)).findFirst()
                .orElseThrow();
        assertThat(received.header("X-EDP-Device-Id")).isNull();
        assertThat(received.header("X-Client-Cert")).isNull();
        String assertion = received.header("X-EDP-Device-Assertion");
        assertThat(assertion).isNotEqualTo("forged").isNotNull();

        NimbusJwtDecoder decoder = NimbusJwtDecoder
                .withJwkSetUri("http://localhost:" + managementPort + "/actuator/device-jwks")
                .jwsAlgorithm(SignatureAlgorithm.ES256).build();
        Jwt jwt = decoder.decode(assertion);
        assertThat(jwt.getSubject()).isEqualTo(deviceId.toString());
        assertThat(jwt.getClaimAsString("customer_id")).isEqualTo(customer.toString());
        assertThat(jwt.getClaimAsString("serial")).isEqualTo(device.serial().toString(16));
        assertThat(((Number) jwt.getClaim("cert_exp")).longValue())
                .isEqualTo(device.certificate().getNotAfter().toInstant().getEpochSecond());
        assertThat(jwt.getAudience()).containsExactly("monitoring");
        assertThat(jwt.getClaimAsString("iss")).isEqualTo("edp-e3");
        assertThat(jwt.getExpiresAt()).isBeforeOrEqualTo(jwt.getIssuedAt().plusSeconds(60));
    }

    @Test
    void spoofedIdentityHeaderOnPublicPathIsStrippedAndNotReplaced() {
        String path = "/onboarding/api/v1/enrollments";
        send(noCertificate(), "POST", url(path), "{}", Map.of("X-EDP-Device-Assertion", "forged"));
        Received received = onboarding.received().stream().filter(r -> r.pathAndQuery().equals(path)).findFirst()
                .orElseThrow();
        assertThat(received.header("X-EDP-Device-Assertion")).isNull();
    }

    @Test
    void noCertificateIsRefusedOnProtectedPathsButAllowedOnOnboarding() {
        HttpClient anonymous = noCertificate();
        assertProblem(get(anonymous, url(HEARTBEAT)), 401, "DEVICE_CERTIFICATE_REQUIRED");
        assertProblem(get(anonymous, url("/devices/api/v1/device/desired-state")), 401, "DEVICE_CERTIFICATE_REQUIRED");
        assertThat(get(anonymous, url("/onboarding/health")).statusCode()).isEqualTo(204);
        assertThat(get(anonymous, url("/.well-known/est/simpleenroll")).statusCode()).isEqualTo(200);
        assertProblem(get(anonymous, url("/.well-known/est/simplereenroll")), 401, "DEVICE_CERTIFICATE_REQUIRED");
    }

    @Test
    void expiredForeignAndSelfSignedCertificatesAreRefused() {
        UUID customer = UUID.randomUUID();
        assertProblem(get(client(PKI.expiredDevice(customer, UUID.randomUUID()).sslContext(PKI.root())), url(HEARTBEAT)),
                401, "DEVICE_CERTIFICATE_INVALID");
        // A foreign CA's or a self-signed certificate is not among the issuers E3 asks for: the client
        // sends none, and E3 answers as for no certificate.
        TestPki foreign = TestPki.create("Foreign");
        assertThat(get(client(foreign.device(customer, UUID.randomUUID()).sslContext(PKI.root())), url(HEARTBEAT))
                .statusCode()).isEqualTo(401);
        assertThat(get(client(TestPki.selfSigned(customer, UUID.randomUUID()).sslContext(PKI.root())), url(HEARTBEAT))
                .statusCode()).isEqualTo(401);
        assertThat(monitoring.received()).noneMatch(r -> r.pathAndQuery().equals(HEARTBEAT));
    }

    @Test
    void revokedDeviceIsRefusedOnOpenKeepAliveConnection() throws Exception {
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        SSLContext context = device.sslContext(PKI.root());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            assertThat(exchange(socket, "/devices/api/v1/device/desired-state")).startsWith("HTTP/1.1 200");
            E3IntegrationTestSupport.revoke(device.serial());
            long revokedAt = System.nanoTime();
            String status = "";
            while (System.nanoTime() - revokedAt < 5_000_000_000L) {
                Thread.sleep(250);
                status = exchange(socket, "/devices/api/v1/device/desired-state");
                if (!status.startsWith("HTTP/1.1 200")) {
                    break;
                }
            }
            assertThat(status).startsWith("HTTP/1.1 401").contains("device-certificate-revoked");
        }
        finally {
            E3IntegrationTestSupport.revoke();
        }
    }

    @Test
    void legacyTlsVersionsFailTheHandshake() throws Exception {
        for (String protocol : List.of("TLSv1", "TLSv1.1")) {
            SSLContext context = TestPki.trustingOnly(PKI.root());
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
                socket.setEnabledProtocols(new String[] { protocol });
                socket.setSoTimeout(5_000);
                assertThatThrownBy(socket::startHandshake).as(protocol).isInstanceOf(SSLHandshakeException.class);
            }
        }
        SSLContext context = TestPki.trustingOnly(PKI.root());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            socket.setEnabledProtocols(new String[] { "TLSv1.2" });
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void tooManyRequestsFromOneDeviceAre429() {
        HttpClient device = client(PKI.device(UUID.randomUUID(), UUID.randomUUID()).sslContext(PKI.root()));
        HttpResponse<String> limited = null;
        for (int i = 0; i < 60 && limited == null; i++) {
            HttpResponse<String> response = get(device, url("/devices/api/v1/device/desired-state"));
            if (response.statusCode() == 429) {
                limited = response;
            }
        }
        assertThat(limited).isNotNull();
        assertProblem(limited, 429, "TOO_MANY_REQUESTS");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void oversizedRequestIs413() {
        HttpClient device = client(PKI.device(UUID.randomUUID(), UUID.randomUUID()).sslContext(PKI.root()));
        String body = "{\"x\":\"" + "a".repeat(100 * 1024) + "\"}";
        assertProblem(send(device, "POST", url(HEARTBEAT), body, Map.of()), 413, "REQUEST_TOO_LARGE");
    }

    @Test
    void managementPortIsPlainHttpAndReportsDeviceTrust() {
        var health = dev.edp.test.service.ServiceSmokeChecks.send("GET",
                "http://localhost:" + managementPort + "/actuator/health", null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(health.body(), "$.components.deviceTrust.status")).isEqualTo("UP");
        var jwks = dev.edp.test.service.ServiceSmokeChecks.send("GET",
                "http://localhost:" + managementPort + "/actuator/device-jwks", null, null);
        assertThat(JsonPath.<List<String>>read(jwks.body(), "$.keys[*].alg")).contains("ES256");
        var metrics = dev.edp.test.service.ServiceSmokeChecks.send("GET",
                "http://localhost:" + managementPort + "/actuator/prometheus", null, null);
        assertThat(metrics.body()).contains("edp_e3_fail_closed").contains("edp_e3_crl_age_seconds");
    }

    /** One HTTP/1.1 request on an open connection; returns the status line and body. */
    private static String exchange(SSLSocket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        int length = 0;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(readLine(in).trim(), 16);
                if (size == 0) {
                    readLine(in);
                    break;
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        }
        else {
            body.write(in.readNBytes(length));
        }
        return head.lines().findFirst().orElse("") + "\n" + body.toString(StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            head.append(line).append("\r\n");
        }
        return head.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
