package dev.edp.onboarding.token;

import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.Cli;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.est.CACertsResponse;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.HttpAuth;
import org.bouncycastle.est.jcajce.JcaJceUtils;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An off-the-shelf EST client (BouncyCastle's, which only speaks TLS) enrolls against the
 * service. In production E3 terminates TLS; here the service itself runs HTTPS with a
 * server certificate from a test CA made by the openssl CLI (the platform CA issues
 * device client certificates only).
 */
@EdpServiceTest
class EstClientIntegrationTests {

    static Path dir;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) throws Exception {
        dir = Files.createTempDirectory("est-tls");
        Cli openssl = new Cli(dir);
        openssl.ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "tls-ca.key", "-out", "tls-ca.pem", "-subj", "/CN=EST test TLS CA", "-days", "2", "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl.write("server.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl.ok("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        openssl.ok("x509", "-req", "-in", "server.csr", "-CA", "tls-ca.pem", "-CAkey", "tls-ca.key", "-CAcreateserial",
                "-days", "1", "-extfile", "server.ext", "-out", "server.pem");
        openssl.ok("pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-out", "server.p12", "-passout",
                "pass:changeit");
        registry.add("server.ssl.enabled", () -> "true");
        registry.add("server.ssl.key-store", () -> dir.resolve("server.p12").toUri().toString());
        registry.add("server.ssl.key-store-password", () -> "changeit");
        registry.add("server.ssl.key-store-type", () -> "PKCS12");
    }

    static X509Certificate tlsCa() throws Exception {
        try (var in = new FileInputStream(dir.resolve("tls-ca.pem").toFile())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    String createToken() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", tlsCa());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, factory.getTrustManagers(), null);
        HttpResponse<String> response = HttpClient.newBuilder()
            .sslContext(ssl)
            .build()
            .send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/onboarding/v1/tokens"))
                .header("Authorization", "Bearer " + TestJwtIssuer.token("otto", UUID.randomUUID(), "operator"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"deviceName\":\"est-device\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JsonPath.read(response.body(), "$.token");
    }

    @Test
    void bouncyCastleEstClientGetsCacertsAndEnrolls() throws Exception {
        // BC's certificate-path trust manager looks up the "BC" provider by name (client
        // side only).
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        ESTService est = new JsseESTServiceBuilder("localhost:" + port,
                JcaJceUtils.getCertPathTrustManager(Set.of(new TrustAnchor(tlsCa(), null)), null))
            .build();

        CACertsResponse cacerts = est.getCACerts();
        assertThat(cacerts.hasCertificates()).isTrue();
        assertThat(cacerts.getCertificateStore().getMatches(null)).hasSize(2);

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=est-device"),
                keys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        EnrollmentResponse enrolled = est.simpleEnroll(false, csr,
                new HttpAuth("est-device", createToken().toCharArray()));
        assertThat(enrolled.isCompleted()).isTrue();
        var holders = enrolled.getStore().getMatches(null);
        assertThat(holders).hasSize(1);
        X509Certificate cert = new JcaX509CertificateConverter()
            .getCertificate((X509CertificateHolder) holders.iterator().next());
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    }

}
