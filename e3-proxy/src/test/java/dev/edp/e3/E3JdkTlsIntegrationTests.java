package dev.edp.e3;

import java.security.Principal;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import dev.edp.test.pki.TestPki;
import dev.edp.test.pki.TestPki.Credential;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.e3.E3IntegrationTestSupport.noCertificate;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JDK fallback ({@code edp.e3.tls.provider=jdk}, what E3 does where OpenSSL cannot
 * load): the same TLS rules as with OpenSSL, checked in real handshakes.
 */
@TestPropertySource(properties = "edp.e3.tls.provider=jdk")
class E3JdkTlsIntegrationTests extends AbstractE3IntegrationTests {

    @Test
    void theJdkDoesTheTls() {
        assertThat(ServiceSmokeChecks.send("GET", management("/actuator/prometheus"), null, null).body())
            .containsPattern("(?m)^edp_e3_tls_provider\\{.*provider=\"jdk\".*\\} 1\\.0$");
    }

    @Test
    void devicesWithACertificatePassAndDevicesWithoutOneOnlyOnboard() {
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        assertThat(get(client(device.sslContext(PKI.root())), url("/devices/api/v1/device/desired-state")).statusCode())
            .isEqualTo(200);
        assertThat(get(noCertificate(), url("/onboarding/health")).statusCode()).isEqualTo(204);
        assertProblem(get(noCertificate(), url("/devices/api/v1/device/desired-state")), 401,
                "DEVICE_CERTIFICATE_REQUIRED");
    }

    @Test
    void anyChainPassesTheHandshakeAndThePlatformCasAreNamed() throws Exception {
        List<Principal> named = new CopyOnWriteArrayList<>();
        Credential impostor = TestPki.create("EDP").device(UUID.randomUUID(), UUID.randomUUID());
        SSLContext context = E3IntegrationTestSupport.presentingRegardless(impostor, PKI.root(),
                issuers -> named.addAll(List.of(issuers)));
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            assertThat(socket.getSession().getLocalCertificates()).startsWith(impostor.certificate());
        }
        assertThat(named).contains(PKI.root().getSubjectX500Principal(), PKI.issuing().getSubjectX500Principal());
    }

    @Test
    void legacyTlsVersionsFailTheHandshake() throws Exception {
        for (String protocol : List.of("TLSv1", "TLSv1.1")) {
            try (SSLSocket socket = (SSLSocket) TestPki.trustingOnly(PKI.root())
                .getSocketFactory()
                .createSocket("localhost", port)) {
                socket.setEnabledProtocols(new String[] { protocol });
                socket.setSoTimeout(5_000);
                assertThatThrownBy(socket::startHandshake).as(protocol).isInstanceOf(SSLHandshakeException.class);
            }
        }
    }

}
