package dev.edp.onboarding.pki;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import dev.edp.onboarding.pki.CsrRejectedException.Reason;
import dev.edp.onboarding.pki.ValidatedCsr.KeyType;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CsrValidatorTests {

    @TempDir
    Path dir;

    OpenSsl openssl;

    final CsrValidator validator = new CsrValidator();

    @BeforeEach
    void setUp() {
        this.openssl = new OpenSsl(this.dir);
    }

    @Test
    void acceptsOpenSslP256EvenWhenItAsksForACaCertificate() {
        String pem = this.openssl.csr("evil", "/CN=evil/O=Attacker", OpenSsl.ec("P-256"), "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

        ValidatedCsr csr = this.validator.validate(pem);

        assertThat(csr.keyType()).isEqualTo(KeyType.EC_P256);
        assertThat(csr.keyBits()).isEqualTo(256);
        assertThat(csr.publicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(csr.publicKey().getEncoded()).isEqualTo(spki(pem));
    }

    @Test
    void acceptsOpenSslP384() {
        ValidatedCsr csr = this.validator.validate(this.openssl.csr("p384", "/CN=x", OpenSsl.ec("P-384")));
        assertThat(csr.keyType()).isEqualTo(KeyType.EC_P384);
        assertThat(csr.keyBits()).isEqualTo(384);
    }

    @Test
    void acceptsOpenSslRsa2048() {
        ValidatedCsr csr = this.validator.validate(this.openssl.csr("rsa", "/CN=x", OpenSsl.rsa(2048)));
        assertThat(csr.keyType()).isEqualTo(KeyType.RSA);
        assertThat(csr.keyBits()).isEqualTo(2048);
    }

    @Test
    void acceptsOpenSslRsa2048SignedWithPss() {
        ValidatedCsr csr = this.validator.validate(this.openssl.csr("pss", "/CN=x", OpenSsl.rsa(2048), "-sha256",
                "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"));
        assertThat(csr.keyType()).isEqualTo(KeyType.RSA);
    }

    @Test
    void acceptsOpenSslEd25519() {
        String pem = this.openssl.csr("ed", "/CN=x", OpenSsl.key("ed25519"));
        ValidatedCsr csr = this.validator.validate(pem);
        assertThat(csr.keyType()).isEqualTo(KeyType.ED25519);
        assertThat(csr.publicKey().getEncoded()).isEqualTo(spki(pem));
    }

    @Test
    void rejectsOpenSslRsa1024() {
        assertRejected(this.openssl.csr("rsa1024", "/CN=x", OpenSsl.rsa(1024)), Reason.CSR_KEY_NOT_ALLOWED)
            .withMessageContaining("2048");
    }

    @Test
    void rejectsOpenSslSecp256k1() {
        assertRejected(this.openssl.csr("k1", "/CN=x", OpenSsl.ec("secp256k1")), Reason.CSR_KEY_NOT_ALLOWED);
    }

    @Test
    void rejectsOpenSslP521() {
        assertRejected(this.openssl.csr("p521", "/CN=x", OpenSsl.ec("P-521")), Reason.CSR_KEY_NOT_ALLOWED);
    }

    @Test
    void rejectsOpenSslP256WithExplicitCurveParameters() {
        String pem = this.openssl.csr("explicit", "/CN=x",
                List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-pkeyopt", "ec_param_enc:explicit"));
        assertRejected(pem, Reason.CSR_KEY_NOT_ALLOWED);
    }

    @Test
    void rejectsOpenSslEd448() {
        assertRejected(this.openssl.csr("ed448", "/CN=x", OpenSsl.key("ed448")), Reason.CSR_KEY_NOT_ALLOWED);
    }

    @Test
    void rejectsOpenSslRsaPssKey() {
        assertRejected(
                this.openssl.csr("rsapss", "/CN=x", List.of("-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048")),
                Reason.CSR_KEY_NOT_ALLOWED);
    }

    @Test
    void rejectsOpenSslSha1Signature() {
        assertRejected(this.openssl.csr("sha1", "/CN=x", OpenSsl.ec("P-256"), "-sha1"),
                Reason.CSR_SIGNATURE_ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsDsaKey() {
        KeyPair dsa = TestPki.keyPair("DSA", null);
        assertRejected(TestPki.pem(TestPki.csr(dsa, dsa, "SHA256withDSA")), Reason.CSR_KEY_NOT_ALLOWED);
    }

    @Test
    void acceptsBouncyCastleCsrsOfEveryAllowedType() {
        assertThat(TestPki.validCsr(TestPki.ec("secp256r1"), "SHA256withECDSA").keyType()).isEqualTo(KeyType.EC_P256);
        assertThat(TestPki.validCsr(TestPki.ec("secp384r1"), "SHA384withECDSA").keyType()).isEqualTo(KeyType.EC_P384);
        assertThat(TestPki.validCsr(TestPki.keyPair("Ed25519", NamedParameterSpec.ED25519), "Ed25519").keyType())
            .isEqualTo(KeyType.ED25519);
        assertThat(TestPki.validCsr(TestPki.rsa(3072), "SHA384withRSA").keyBits()).isEqualTo(3072);
    }

    @Test
    void rejectsRsaAboveMaximum() {
        KeyPair big = TestPki.rsa(8200);
        assertRejected(TestPki.pem(TestPki.csr(big, big, "SHA256withRSA")), Reason.CSR_KEY_NOT_ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = { "EC", "RSA" })
    void rejectsTamperedSignature(String keyType) {
        String pem = "EC".equals(keyType) ? this.openssl.csr("t", "/CN=x", OpenSsl.ec("P-256"))
                : this.openssl.csr("t", "/CN=x", OpenSsl.rsa(2048));
        CertificationRequest original = parse(pem).toASN1Structure();
        byte[] signature = original.getSignature().getOctets();
        signature[signature.length - 1] ^= 0x01;
        CertificationRequest tampered = new CertificationRequest(original.getCertificationRequestInfo(),
                original.getSignatureAlgorithm(), new DERBitString(signature));

        assertRejected(TestPki.pem(new PKCS10CertificationRequest(tampered)), Reason.CSR_SIGNATURE_INVALID);
    }

    @Test
    void rejectsCsrSignedByAnotherKeyThanTheOneItCarries() {
        KeyPair claimed = TestPki.ec("secp256r1");
        KeyPair actual = TestPki.ec("secp256r1");
        assertRejected(TestPki.pem(TestPki.csr(claimed, actual, "SHA256withECDSA")), Reason.CSR_SIGNATURE_INVALID);
    }

    @Test
    void acceptsBase64DerAsEstSendsIt() {
        String pem = this.openssl.csr("est", "/CN=x", OpenSsl.ec("P-256"));
        byte[] der = parseDer(pem);
        String estBody = Base64.getMimeEncoder(64, "\r\n".getBytes()).encodeToString(der) + "\r\n";

        assertThat(this.validator.validate(estBody).der()).isEqualTo(der);
        assertThat(this.validator.validateDer(der).publicKey().getEncoded()).isEqualTo(spki(pem));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "hello world",
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
            "-----BEGIN CERTIFICATE REQUEST-----\n!!notbase64!!\n-----END CERTIFICATE REQUEST-----\n",
            "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n", "MAMCAQA=" })
    void rejectsGarbageAsMalformed(String input) {
        assertRejected(input, Reason.CSR_MALFORMED);
    }

    @Test
    void rejectsACertificateInsteadOfARequest() {
        this.openssl.ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                "/CN=x", "-keyout", "c.key", "-out", "c.pem", "-days", "1");
        assertRejected(this.openssl.read("c.pem"), Reason.CSR_MALFORMED);
    }

    @Test
    void rejectsTwoRequestsInOne() {
        String pem = this.openssl.csr("a", "/CN=a", OpenSsl.ec("P-256"));
        assertRejected(pem + pem, Reason.CSR_MALFORMED);
    }

    @Test
    void rejectsTrailingDataAfterTheRequest() {
        byte[] der = parseDer(this.openssl.csr("trail", "/CN=x", OpenSsl.ec("P-256")));
        byte[] longer = Arrays.copyOf(der, der.length + 2);
        assertThatExceptionOfType(CsrRejectedException.class).isThrownBy(() -> this.validator.validateDer(longer))
            .satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.CSR_MALFORMED));
    }

    @Test
    void rejectsOversizedInputBeforeParsing() {
        String pem = this.openssl.csr("big", "/CN=x", OpenSsl.ec("P-256"));
        String padded = "x".repeat(CsrValidator.DEFAULT_MAX_SIZE) + pem;
        assertRejected(padded, Reason.CSR_TOO_LARGE);
        assertThatExceptionOfType(CsrRejectedException.class)
            .isThrownBy(() -> this.validator.validateDer(new byte[CsrValidator.DEFAULT_MAX_SIZE + 1]))
            .satisfies((ex) -> assertThat(ex.code()).isEqualTo("CSR_TOO_LARGE"));
    }

    @Test
    void sizeLimitIsConfigurable() {
        String pem = this.openssl.csr("rsa4096", "/CN=x", OpenSsl.rsa(4096));
        assertThat(pem.length()).isGreaterThan(1024);
        assertThat(this.validator.validate(pem).keyBits()).isEqualTo(4096);
        assertThatExceptionOfType(CsrRejectedException.class).isThrownBy(() -> new CsrValidator(1024).validate(pem))
            .satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.CSR_TOO_LARGE));
    }

    private org.assertj.core.api.ThrowableAssertAlternative<CsrRejectedException> assertRejected(String input,
            Reason reason) {
        return assertThatExceptionOfType(CsrRejectedException.class).isThrownBy(() -> this.validator.validate(input))
            .satisfies((ex) -> {
                assertThat(ex.reason()).isEqualTo(reason);
                assertThat(ex.code()).isEqualTo(reason.name());
                // Safe for an API response: no class names, no parser internals.
                assertThat(ex.getMessage()).isNotBlank()
                    .doesNotContain("Exception")
                    .doesNotContain("org.bouncycastle")
                    .doesNotContain("java.");
            });
    }

    private static PKCS10CertificationRequest parse(String pem) {
        try {
            return new PKCS10CertificationRequest(parseDer(pem));
        }
        catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] parseDer(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static byte[] spki(String pem) {
        try {
            SubjectPublicKeyInfo info = parse(pem).getSubjectPublicKeyInfo();
            return info.getEncoded();
        }
        catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
