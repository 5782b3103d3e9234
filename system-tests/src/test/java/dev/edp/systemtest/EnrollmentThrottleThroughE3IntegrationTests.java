package dev.edp.systemtest;

import java.io.StringWriter;
import java.net.InetAddress;
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

import com.jayway.jsonpath.JsonPath;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.OidcTokens;
import dev.edp.test.pki.TestPki;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Onboarding's enrollment throttle through the real E3: every device reaches onboarding
 * from E3's address, so the throttle must count per device address as E3 saw it (E3's
 * signed {@code cip}). A client that fails enrollment 21 times from 127.0.0.2 is refused;
 * a device enrolling from 127.0.0.1 at the same time is not.
 */
@ExtendWith(RunningPlatform.class)
class EnrollmentThrottleThroughE3IntegrationTests {

    static final String BAD = "{\"token\":\"edp_ot_no-such-token\",\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\"}";

    @Test
    void failuresFromOneAddressDoNotLockOtherDevicesOutOfEnrollment(RunningPlatform platform) throws Exception {
        X509Certificate e3Root = CertificateFactory.getInstance("X.509")
            .generateCertificates(Files.newInputStream(platform.e3TrustFile()))
            .stream()
            .map(X509Certificate.class::cast)
            .toList()
            .getLast();
        String enrollments = "https://localhost:" + (8443 + platform.portOffset()) + "/onboarding/api/v1/enrollments";
        HttpClient attacker = HttpClient.newBuilder()
            .sslContext(TestPki.trustingOnly(e3Root))
            .localAddress(InetAddress.getByName("127.0.0.2"))
            .build();
        HttpClient device = HttpClient.newBuilder()
            .sslContext(TestPki.trustingOnly(e3Root))
            .localAddress(InetAddress.getByName("127.0.0.1"))
            .build();

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> refused = attacker.send(enroll(enrollments, BAD),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        }
        HttpResponse<String> throttled = attacker.send(enroll(enrollments, BAD), HttpResponse.BodyHandlers.ofString());
        assertThat(throttled.statusCode()).as(throttled.body()).isEqualTo(429);
        assertThat(JsonPath.<String>read(throttled.body(), "$.code")).isEqualTo("TOO_MANY_FAILED_ENROLLMENTS");

        String operator = OidcTokens.clientCredentials(URI.create(platform.keycloakUrl()), EdpRealm.NAME,
                EdpRealm.AUTOMATION_CLIENT_ID, platform.secret("client.edp-automation.secret"));
        HttpResponse<String> token = send("POST", platform.gatewayUrl() + "/api/onboarding/v1/tokens",
                "application/json", "{\"deviceName\":\"press-throttle\",\"environment\":\"TESTING\"}", operator);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        HttpResponse<String> enrolled = device.send(
                enroll(enrollments,
                        "{\"token\":\"" + JsonPath.read(token.body(), "$.token") + "\",\"csr\":" + quote(csr()) + "}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
    }

    private static HttpRequest enroll(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", "127.0.0.1")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    }

    private static String csr() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(
                    new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=press-throttle"), key.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        }
        return out.toString();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

}
