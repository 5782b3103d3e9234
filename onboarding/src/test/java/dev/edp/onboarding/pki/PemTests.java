package dev.edp.onboarding.pki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.NamedParameterSpec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PemTests {

    static final EmbeddedCertificateAuthority CA = EmbeddedCertificateAuthority
        .generate(new CaKeyProtector(EmbeddedCertificateAuthorityTests.bytes(32, 6)), EmbeddedCaSettings.defaults());

    @Test
    void chainRoundTripsInOrder() {
        String pem = Pem.certificates(CA.chain());
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(Pem.readCertificates(pem)).containsExactlyElementsOf(CA.chain());
    }

    @Test
    void privateKeysRoundTripAsPkcs8() {
        for (KeyPair pair : new KeyPair[] { TestPki.ec("secp384r1"), TestPki.rsa(2048),
                TestPki.keyPair("Ed25519", NamedParameterSpec.ED25519) }) {
            String pem = Pem.privateKey(pair.getPrivate());
            assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
            PrivateKey read = Pem.readPrivateKey(pem);
            assertThat(read.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
            assertThat(Crypto.keyMatches(read, pair.getPublic())).isTrue();
        }
    }

    @Test
    void readingIsStrict() {
        String key = Pem.privateKey(TestPki.ec("secp256r1").getPrivate());
        String chain = Pem.certificates(CA.chain());
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Pem.readCertificates(chain + key))
            .withMessageContaining("PRIVATE KEY");
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> Pem.readCertificates("nothing here"));
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Pem.readPrivateKey(key + key));
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Pem.readPrivateKey(chain));
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> Pem.readCertificates("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
    }

    @Test
    void crlIsWrittenAsX509CrlBlock() {
        byte[] der = CA.crl(new CrlRequest(java.math.BigInteger.ONE, java.time.Instant.now(),
                java.time.Instant.now().plusSeconds(60), java.util.List.of()));
        String pem = Pem.crl(der);
        assertThat(pem).startsWith("-----BEGIN X509 CRL-----");
        assertThat(Pem.readCrl(pem.getBytes()).getIssuerX500Principal())
            .isEqualTo(CA.chain().get(0).getSubjectX500Principal());
    }

}
