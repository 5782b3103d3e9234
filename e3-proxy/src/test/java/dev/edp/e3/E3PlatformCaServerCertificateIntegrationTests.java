package dev.edp.e3;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.edp.test.pki.TestPki;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code edp.e3.tls.server-certificate=platform-ca}: E3 gets its server certificate from
 * the platform CA (a stub of onboarding's endpoint that answers 503 twice first), serves
 * it in real handshakes that validate against the platform root with hostname checks,
 * publishes the CA chain file, and renews at two thirds of the (here 9-second) lifetime
 * without restart.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false",
                "edp.e3.tls.server-certificate=platform-ca", "edp.e3.tls.retry-interval=300ms",
                "edp.e3.tls.dns-names=localhost", "edp.e3.tls.ip-addresses=127.0.0.1",
                "edp.service-client.client-secret=test-secret" })
class E3PlatformCaServerCertificateIntegrationTests {

    static final StubPlatformCa CA = new StubPlatformCa(Duration.ofSeconds(9), 2);
    static final Path CHAIN_FILE = E3IntegrationTestSupport.DIR.resolve("published/e3-ca-chain.pem");

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        registry.add("edp.e3.onboarding-url", CA::url);
        registry.add("edp.service-client.token-uri", () -> CA.url() + "/token");
        registry.add("edp.e3.tls.publish-chain-file", CHAIN_FILE::toString);
        registry.add("edp.e3.trust-anchors", () -> "file:" + E3IntegrationTestSupport.DIR.resolve("chain.pem"));
        registry.add("edp.e3.crl-url", () -> "file:" + E3IntegrationTestSupport.CRL);
        registry.add("edp.e3.assertion.keys-file", KEYS_FILE::toString);
    }

    static final Path KEYS_FILE = E3IntegrationTestSupport.DIR.resolve("shared/e3-assertion-keys.json");

    @Value("${local.server.port}")
    int port;

    @Value("${local.management.port}")
    int managementPort;

    @Test
    void adminRotationOnTheManagementPortRewritesTheSharedKeyFileAndPublishesBothKeys() throws Exception {
        assertThat(com.nimbusds.jose.jwk.JWKSet.parse(Files.readString(KEYS_FILE)).getKeys())
            .filteredOn(com.nimbusds.jose.jwk.ECKey.class::isInstance)
            .hasSize(1)
            .allMatch(com.nimbusds.jose.jwk.JWK::isPrivate);
        var rotated = dev.edp.test.service.ServiceSmokeChecks.send("POST",
                "http://localhost:" + managementPort + "/actuator/device-jwks", null, null,
                dev.edp.test.security.TestJwtIssuer.serviceToken());
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(com.jayway.jsonpath.JsonPath.<Boolean>read(rotated.body(), "$.rotated")).isTrue();
        assertThat(com.nimbusds.jose.jwk.JWKSet.parse(Files.readString(KEYS_FILE)).getKeys())
            .filteredOn(com.nimbusds.jose.jwk.ECKey.class::isInstance)
            .hasSize(2);
        String jwks = dev.edp.test.service.ServiceSmokeChecks
            .send("GET", "http://localhost:" + managementPort + "/actuator/device-jwks", null, null)
            .body();
        assertThat(com.nimbusds.jose.jwk.JWKSet.parse(jwks).getKeys()).hasSize(2)
            .noneMatch(com.nimbusds.jose.jwk.JWK::isPrivate);
    }

    X509Certificate[] handshake() throws Exception {
        try (SSLSocket socket = (SSLSocket) TestPki.trustingOnly(CA.root)
            .getSocketFactory()
            .createSocket("localhost", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return Arrays.stream(socket.getSession().getPeerCertificates())
                .map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new);
        }
    }

    static void validatesAgainstRoot(X509Certificate[] served, X509Certificate root) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
            .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(served)), parameters);
    }

    @Test
    void servesACertificateFromThePlatformCaThatValidatesAgainstThePlatformRoot() throws Exception {
        X509Certificate[] served = handshake();

        validatesAgainstRoot(served, CA.root);
        assertThat(served[0].getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(served[0].getIssuerX500Principal()).isEqualTo(CA.issuing.getSubjectX500Principal());
        assertThat(served[0].getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(CA.requests.getFirst().get("dnsNames")).isEqualTo(List.of("localhost"));
        assertThat(CA.requests.getFirst().get("ipAddresses")).isEqualTo(List.of("127.0.0.1"));
        // The client a device or curl would use: JDK HttpClient with hostname
        // verification, trusting only the root.
        var response = E3IntegrationTestSupport.get(E3IntegrationTestSupport.client(TestPki.trustingOnly(CA.root)),
                "https://localhost:" + port + "/monitoring/anything");
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void publishesTheCaChainForToolsToTrust() throws Exception {
        assertThat(Files.readString(CHAIN_FILE)).isEqualTo(CA.chainPem());
    }

    @Test
    void renewsAtTwoThirdsOfTheLifetimeWithoutRestart() throws Exception {
        // With OpenSSL: its key material is taken from the key manager at every
        // handshake, not fixed when the context was built.
        assertThat(dev.edp.test.service.ServiceSmokeChecks
            .send("GET", "http://localhost:" + managementPort + "/actuator/prometheus", null, null)
            .body()).containsPattern("(?m)^edp_e3_tls_provider\\{.*provider=\"openssl\".*\\} 1\\.0$");
        X509Certificate first = handshake()[0];
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        X509Certificate[] renewed = handshake();
        while (renewed[0].getSerialNumber().equals(first.getSerialNumber()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            renewed = handshake();
        }
        assertThat(renewed[0].getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(renewed[0].getPublicKey()).as("a new key with each certificate").isNotEqualTo(first.getPublicKey());
        validatesAgainstRoot(renewed, CA.root);
        // Renewed before the old one expired: at two thirds (6 s) of its 9 s.
        assertThat(renewed[0].getNotBefore().toInstant())
            .isBefore(first.getNotAfter().toInstant().minus(Duration.ofSeconds(1)));
    }

}
