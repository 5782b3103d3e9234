package dev.edp.onboarding.pki;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the PKI readers that take outside data: certs-only PKCS#7 (EST responses,
 * {@link Pkcs7}), PEM certificate chains, PEM private keys and CRLs ({@link Pem}; a CA
 * import, Vault's answers). The first byte picks the reader. The contract:
 * {@link IllegalArgumentException}, or a sane result; anything else is a finding. Seeds:
 * {@code PkiReadersFuzzTestsInputs/readersRefuseOrReturnSaneResults/}.
 */
class PkiReadersFuzzTests {

    @FuzzTest(maxDuration = "30s")
    void readersRefuseOrReturnSaneResults(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        String text = new String(rest, StandardCharsets.UTF_8);
        try {
            switch (input[0] & 3) {
                case 0 -> assertChain(Pkcs7.certificates(rest), 16);
                case 1 -> assertChain(Pem.readCertificates(text), Integer.MAX_VALUE);
                case 2 -> assertThat(Pem.readPrivateKey(text).getAlgorithm()).isIn("EC", "RSA", "Ed25519", "EdDSA");
                default -> {
                    X509CRL crl = Pem.readCrl(rest);
                    assertThat(crl.getIssuerX500Principal()).isNotNull();
                }
            }
        }
        catch (IllegalArgumentException ex) {
            assertThat(ex.getMessage()).isNotBlank();
        }
    }

    private static void assertChain(List<X509Certificate> certificates, int max) {
        assertThat(certificates).isNotEmpty().hasSizeLessThanOrEqualTo(max).doesNotContainNull();
        certificates.forEach(certificate -> assertThat(certificate.getSerialNumber()).isNotNull());
    }

}
