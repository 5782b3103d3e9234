package dev.edp.onboarding.pki;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Importing an existing CA (made here by the openssl CLI, as an operator would). */
class CaImportTests {

    static final CaKeyProtector PROTECTOR = new CaKeyProtector(EmbeddedCertificateAuthorityTests.bytes(32, 3));

    @TempDir
    static Path dir;

    static OpenSsl openssl;

    @BeforeAll
    static void makeCaWithOpenSsl() {
        openssl = new OpenSsl(dir);
        openssl.ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "root.key", "-out", "root.pem", "-subj", "/O=Example/CN=Example Root", "-days", "365", "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl.write("ca.ext", """
                basicConstraints=critical,CA:TRUE,pathlen:0
                keyUsage=critical,keyCertSign,cRLSign
                subjectKeyIdentifier=hash
                authorityKeyIdentifier=keyid
                """);
        openssl.write("nocrl.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n");
        openssl.write("leaf.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n");
        signed("issuing", OpenSsl.rsa(2048), "ca.ext");
        signed("nocrl", OpenSsl.ec("P-256"), "nocrl.ext");
        signed("leaf", OpenSsl.ec("P-256"), "leaf.ext");
    }

    private static void signed(String name, List<String> key, String extensions) {
        openssl.csr(name, "/O=Example/CN=" + name, key);
        openssl.ok("x509", "-req", "-in", name + ".csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
                "-days", "100", "-extfile", extensions, "-out", name + ".pem");
    }

    static String chain(String... names) {
        StringBuilder pem = new StringBuilder();
        for (String name : names) {
            pem.append(openssl.read(name + ".pem"));
        }
        return pem.toString();
    }

    static EmbeddedCertificateAuthority importCa(String keyFile, String... chain) {
        return EmbeddedCertificateAuthority.importPem(openssl.read(keyFile), chain(chain), PROTECTOR,
                EmbeddedCaSettings.defaults());
    }

    @Test
    void importedCaIssuesCertificatesThatOpenSslVerifiesAgainstTheOriginalRoot() throws Exception {
        EmbeddedCertificateAuthority ca = importCa("issuing.key", "issuing", "root");
        IssuedCertificate issued = ca
            .issue(new DeviceCertificateRequest(UUID.randomUUID(), UUID.randomUUID(), TestPki.validCsr()));

        assertThat(issued.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(ca.root().getSubjectX500Principal().getName()).isEqualTo("CN=Example Root,O=Example");
        openssl.write("imported-device.pem", Pem.certificate(issued.certificate()));
        assertThat(openssl.ok("verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "imported-device.pem"))
            .contains("imported-device.pem: OK");
        TestPki.pkixValidate(List.of(issued.certificate(), ca.chain().get(0)), ca.root());

        Instant now = Instant.now();
        openssl.write("imported-crl.pem", Pem.crl(ca.crl(new CrlRequest(BigInteger.TWO, now, now.plusSeconds(3600),
                List.of(new RevokedEntry(issued.serialNumber(), now, RevokedEntry.Reason.KEY_COMPROMISE))))));
        assertThat(openssl
            .run("verify", "-crl_check", "-CRLfile", "imported-crl.pem", "-CAfile", "root.pem", "-untrusted",
                    "issuing.pem", "imported-device.pem")
            .output()).contains("certificate revoked");
    }

    @Test
    void importedMaterialHasNoRootKeyAndLoadsAgain() {
        EmbeddedCertificateAuthority ca = importCa("issuing.key", "issuing", "root");

        assertThat(ca.material().protectedRootKey()).isNull();
        assertThat(ca.material().export()).doesNotContain("PRIVATE KEY", "ROOT CA KEY");
        EmbeddedCertificateAuthority loaded = EmbeddedCertificateAuthority
            .load(CaMaterial.parse(ca.material().export()), PROTECTOR, EmbeddedCaSettings.defaults());
        assertThat(loaded.chain()).isEqualTo(ca.chain());
    }

    @Test
    void acceptsTheTraditionalKeyFormat() {
        openssl.ok("pkey", "-in", "issuing.key", "-traditional", "-out", "issuing-traditional.key");
        assertThat(openssl.read("issuing-traditional.key")).contains("BEGIN RSA PRIVATE KEY");

        assertThat(importCa("issuing-traditional.key", "issuing", "root").chain()).hasSize(2);
    }

    @Test
    void rejectsAKeyThatDoesNotBelongToTheIssuingCertificate() {
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> importCa("root.key", "issuing", "root"))
            .withMessageContaining("does not belong");
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> importCa("nocrl.key", "issuing", "root"))
            .withMessageContaining("does not belong");
    }

    @Test
    void rejectsACertificateThatIsNoCa() {
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> importCa("leaf.key", "leaf", "root"))
            .withMessageContaining("not a CA certificate");
    }

    @Test
    void rejectsAnIssuingCaThatMayNotSignCrls() {
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> importCa("nocrl.key", "nocrl", "root"))
            .withMessageContaining("cRLSign");
    }

    @Test
    void rejectsAChainWithoutItsRootOrInTheWrongOrder() {
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> importCa("issuing.key", "issuing"))
            .withMessageContaining("self-signed root");
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> importCa("issuing.key", "root", "issuing"));
    }

    @Test
    void rejectsAChainWhoseIssuingCertificateWasNotSignedByTheRoot() {
        openssl.ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "other.key", "-out", "other.pem", "-subj", "/O=Example/CN=Example Root", "-days", "365", "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> importCa("issuing.key", "issuing", "other"))
            .withMessageContaining("not valid");
    }

    @Test
    void rejectsAnEncryptedKey() {
        openssl.ok("pkey", "-in", "issuing.key", "-aes256", "-passout", "pass:secret", "-out", "encrypted.key");
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> importCa("encrypted.key", "issuing", "root"))
            .withMessageContaining("unencrypted");
    }

    @Test
    void aRootCaCanBeImportedAsItsOwnIssuingCa() throws Exception {
        EmbeddedCertificateAuthority ca = importCa("root.key", "root");
        IssuedCertificate issued = ca
            .issue(new DeviceCertificateRequest(UUID.randomUUID(), UUID.randomUUID(), TestPki.validCsr()));

        assertThat(ca.chain()).hasSize(1);
        TestPki.pkixValidate(List.of(issued.certificate()), ca.root());
    }

}
