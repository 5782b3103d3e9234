package dev.edp.systemtest;

import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

import com.jayway.jsonpath.JsonPath;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.OidcTokens;
import dev.edp.test.pki.TestPki;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device's life through the running platform: an operator creates an onboarding token
 * through the gateway, the device enrolls through E3 with its own key, then talks to
 * monitoring over mTLS (E3 forwards its identity as a signed assertion), and is refused
 * by E3 seconds after its certificate is revoked — on the same keep-alive connection.
 */
@ExtendWith(RunningPlatform.class)
class DeviceThroughE3IntegrationTests {

    static RunningPlatform platform;
    static X509Certificate e3Certificate;

    static final String HEARTBEAT = """
            {"uptimeSeconds":120,"agentVersion":"0.1.0","osVersion":"Debian 12","cpuLoad":12.5,
             "memory":{"usedBytes":1000,"totalBytes":4000},"systemDisk":{"usedBytes":10,"totalBytes":100},
             "containerDisk":{"usedBytes":5,"totalBytes":35},"containers":{"running":2,"total":2}}""";

    @BeforeAll
    static void setUp(RunningPlatform running) throws Exception {
        platform = running;
        // E3's server certificate comes from the platform CA; trust its root as
        // published, with host name checks.
        List<X509Certificate> published = certificates(Files.readString(platform.e3TrustFile()));
        e3Certificate = published.getLast();
    }

    String e3() {
        return "https://localhost:" + (8443 + platform.portOffset());
    }

    @Test
    void deviceEnrollsThroughE3HeartbeatsAndIsCutOffAfterRevocation() throws Exception {
        String operator = OidcTokens.clientCredentials(URI.create(platform.keycloakUrl()), EdpRealm.NAME,
                EdpRealm.AUTOMATION_CLIENT_ID, platform.secret("client.edp-automation.secret"));
        HttpResponse<String> token = send("POST", platform.gatewayUrl() + "/api/onboarding/v1/tokens",
                "application/json", "{\"deviceName\":\"press-7\",\"environment\":\"TESTING\"}", operator);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);

        // The device: its own key, a CSR, enrollment through E3 without a client
        // certificate.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        String csr = pem(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=press-7"), key.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        HttpClient anonymous = HttpClient.newBuilder().sslContext(TestPki.trustingOnly(e3Certificate)).build();
        HttpResponse<String> enrolled = anonymous
            .send(HttpRequest.newBuilder(URI.create(e3() + "/onboarding/api/v1/enrollments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"token\":" + quote(JsonPath.read(token.body(), "$.token")) + ",\"csr\":" + quote(csr) + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        String deviceId = JsonPath.read(enrolled.body(), "$.deviceId");
        List<X509Certificate> chain = new ArrayList<>();
        chain.addAll(certificates(JsonPath.read(enrolled.body(), "$.certificate")));
        chain.addAll(certificates(JsonPath.read(enrolled.body(), "$.chain")));

        // Without a certificate the device routes are closed.
        HttpResponse<String> refused = anonymous.send(heartbeat(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JsonPath.<String>read(refused.body(), "$.code")).isEqualTo("DEVICE_CERTIFICATE_REQUIRED");

        // With it, heartbeats reach monitoring, which knows the device by the identity E3
        // asserted: in E3's batches, which monitoring takes (E3's proof over the batch
        // and the device's own credential and proof verified).
        SSLContext mtls = new TestPki.Credential(chain.getFirst(), key.getPrivate(), chain).sslContext(e3Certificate);
        HttpClient device = HttpClient.newBuilder().sslContext(mtls).version(HttpClient.Version.HTTP_1_1).build();
        long takenInBatches = batchedHeartbeatsTaken();
        HttpResponse<String> accepted = untilNotBusy(device, heartbeat());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(batchedHeartbeatsTaken()).as("heartbeats monitoring took in E3's batches")
            .isGreaterThan(takenInBatches);
        HttpResponse<String> status = awaitStatus(operator, deviceId);
        assertThat(JsonPath.<String>read(status.body(), "$.connectivity")).isEqualTo("ONLINE");
        assertThat(JsonPath.<String>read(status.body(), "$.agentVersion")).isEqualTo("0.1.0");

        // A spoofed identity header from outside does not change who the device is.
        HttpResponse<String> spoofed = untilNotBusy(device,
                HttpRequest.newBuilder(URI.create(e3() + "/monitoring/api/v1/monitoring/container"))
                    .header("Content-Type", "application/json")
                    .header("X-EDP-Device-Credential", "forged")
                    .header("X-EDP-Device-Proof", "forged")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build());
        assertThat(spoofed.statusCode()).as(spoofed.body()).isEqualTo(202);

        // Revocation: the next request on the same client is refused within seconds.
        HttpResponse<String> revoked = send("POST",
                platform.gatewayUrl() + "/api/onboarding/v1/devices/" + deviceId + "/revoke", "application/json", "{}",
                operator);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        Instant deadline = Instant.now().plusSeconds(5);
        HttpResponse<String> after;
        do {
            after = device.send(heartbeat(), HttpResponse.BodyHandlers.ofString());
            if (after.statusCode() == 401) {
                break;
            }
            Thread.sleep(200);
        }
        while (Instant.now().isBefore(deadline));
        assertThat(after.statusCode()).as("refused within 5 s of revocation").isEqualTo(401);
        assertThat(JsonPath.<String>read(after.body(), "$.code")).isEqualTo("DEVICE_CERTIFICATE_REVOKED");
    }

    /**
     * Sends as the agent does: a 503 (the platform shedding load, with Retry-After) is
     * sent again after a second, for up to a minute. The shared platform may still be
     * busy with the 200 simulated devices of the test before (seen: 503
     * SERVICE_UNAVAILABLE from E3's route to monitoring on a loaded machine); every 503
     * is printed.
     */
    private static HttpResponse<String> untilNotBusy(HttpClient client, HttpRequest request) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        while (response.statusCode() == 503 && Instant.now().isBefore(deadline)) {
            System.out.println("503 for " + request.method() + " " + request.uri() + ": " + response.body());
            Thread.sleep(1000);
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        return response;
    }

    /** Monitoring's count of heartbeats it took in E3's batches. */
    private static long batchedHeartbeatsTaken() {
        return Calls.metric(HttpClient.newHttpClient(),
                MetricNamesExistIntegrationTests.MANAGEMENT_PORTS.get("monitoring") + platform.portOffset(),
                "edp_heartbeat_batch_items_total{", "result=\"accepted\"");
    }

    private HttpRequest heartbeat() {
        return HttpRequest.newBuilder(URI.create(e3() + "/monitoring/api/v1/heartbeat"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(HEARTBEAT))
            .build();
    }

    private static HttpResponse<String> awaitStatus(String operator, String deviceId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        HttpResponse<String> status;
        do {
            status = send("GET", platform.gatewayUrl() + "/api/monitoring/v1/devices/" + deviceId + "/status", null,
                    null, operator);
            if (status.statusCode() == 200) {
                return status;
            }
            Thread.sleep(300);
        }
        while (Instant.now().isBefore(deadline));
        throw new AssertionError("No status for " + deviceId + ": " + status.body());
    }

    private static List<X509Certificate> certificates(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509")
            .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes()))
            .stream()
            .map(X509Certificate.class::cast)
            .toList();
    }

    private static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

}
