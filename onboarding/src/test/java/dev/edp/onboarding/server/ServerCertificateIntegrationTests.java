package dev.edp.onboarding.server;

import java.io.StringWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.OnboardingIntegrationTest;
import dev.edp.onboarding.pki.Pem;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * E3's server certificate from the platform CA: real CSRs, the real embedded CA, a real
 * database.
 */
@EdpServiceTest
class ServerCertificateIntegrationTests extends OnboardingIntegrationTest {

    static final String PATH = "/api/onboarding/v1/internal/server-certificates";

    static KeyPair keys(String algorithm, Object spec) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (spec instanceof Integer bits) {
            generator.initialize(bits);
        }
        else {
            generator.initialize(new ECGenParameterSpec((String) spec));
        }
        return generator.generateKeyPair();
    }

    static String csr(KeyPair keys, String signature) throws Exception {
        var request = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=ignored.example,O=Evil CA"),
                keys.getPublic())
            .build(new JcaContentSignerBuilder(signature).build(keys.getPrivate()));
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(request);
        }
        return out.toString();
    }

    static String body(String csr, String dnsNames, String ips) {
        return "{\"csr\":\"" + csr.replace("\n", "\\n") + "\",\"dnsNames\":" + dnsNames + ",\"ipAddresses\":" + ips
                + "}";
    }

    java.net.http.HttpResponse<String> post(String body, String token) {
        return send("POST", checks.baseUrl() + PATH, "application/json", body, token);
    }

    @Test
    void serviceClientGetsAServerAuthCertificateForItsKeyAndNamesThatChainsToThePlatformRoot() throws Exception {
        KeyPair keys = keys("EC", "secp256r1");
        long devicesBefore = jdbc.sql("SELECT count(*) FROM device_certificate").query(Long.class).single();

        var response = post(
                body(csr(keys, "SHA256withECDSA"), "[\"e3.edp.internal\",\"localhost\"]", "[\"127.0.0.1\",\"::1\"]"),
                TestJwtIssuer.serviceToken());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        X509Certificate certificate = Pem.readCertificates(JsonPath.read(response.body(), "$.certificate")).getFirst();
        List<X509Certificate> chain = Pem.readCertificates(JsonPath.read(response.body(), "$.chain"));
        assertThat(certificate.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=e3.edp.internal")
            .doesNotContain("Evil");
        Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
        assertThat(sans.stream().map(san -> String.valueOf(san.get(1))).toList())
            .containsExactlyInAnyOrder("e3.edp.internal", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        Duration validity = Duration.between(Instant.now(), certificate.getNotAfter().toInstant());
        assertThat(validity).isBetween(Duration.ofDays(89), Duration.ofDays(90));
        X509Certificate root = chain.getLast();
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
            .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate, chain.getFirst())),
                    parameters);
        assertThat(jdbc.sql("SELECT count(*) FROM device_certificate").query(Long.class).single())
            .as("a server certificate is never stored as a device certificate")
            .isEqualTo(devicesBefore);
    }

    @Test
    void userTokensAreForbiddenEvenForPlatformAdmins() throws Exception {
        String csr = csr(keys("EC", "secp256r1"), "SHA256withECDSA");
        assertProblem(post(body(csr, "[\"e3.example\"]", "[]"), TestJwtIssuer.token("root", null, "platform-admin")),
                403, "FORBIDDEN");
        assertProblem(post(body(csr, "[\"e3.example\"]", "[]"), null), 401, "UNAUTHORIZED");
    }

    @Test
    void wildcardsBadHostnamesBadAddressesAndTooManyNamesAreRefused() throws Exception {
        String csr = csr(keys("EC", "secp256r1"), "SHA256withECDSA");
        String token = TestJwtIssuer.serviceToken();
        for (String names : List.of("[\"*.edp.example\"]", "[\"bad_name.example\"]", "[\"-lead.example\"]",
                "[\"a.example\",\"b.example\",\"c.example\",\"d.example\",\"e.example\",\"f.example\","
                        + "\"g.example\",\"h.example\",\"i.example\",\"j.example\",\"k.example\"]",
                "[]")) {
            var response = post(body(csr, names, "[]"), token);
            assertProblem(response, 400, "VALIDATION_FAILED");
        }
        assertProblem(post(body(csr, "[\"e3.example\"]", "[\"e3.example\"]"), token), 400, "VALIDATION_FAILED");
        assertProblem(post(body(csr, "[\"e3.example\"]", "[\"999.1.1.1\"]"), token), 400, "VALIDATION_FAILED");
    }

    @Test
    void csrKeyChecksAreTheDevicesOnes() throws Exception {
        String token = TestJwtIssuer.serviceToken();
        assertProblem(post(body(csr(keys("RSA", 1024), "SHA256withRSA"), "[\"e3.example\"]", "[]"), token), 400,
                "CSR_KEY_NOT_ALLOWED");
        assertProblem(post(body("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                "[\"e3.example\"]", "[]"), token), 400, "CSR_MALFORMED");
    }

}
