package dev.edp.onboarding.pki;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.edp.platform.device.DeviceIdentity;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EmbeddedCertificateAuthorityTests {

    static final URI CRL_URL = URI.create("http://pki.edp.test/onboarding/api/v1/crl");

    static final CaKeyProtector PROTECTOR = new CaKeyProtector(bytes(32, 7));

    static EmbeddedCertificateAuthority ca;

    @TempDir
    Path dir;

    OpenSsl openssl;

    final UUID customerId = UUID.randomUUID();

    final UUID deviceId = UUID.randomUUID();

    @BeforeAll
    static void generateCa() {
        ca = EmbeddedCertificateAuthority.generate(PROTECTOR,
                EmbeddedCaSettings.defaults().withCrlDistributionPoint(CRL_URL));
    }

    @BeforeEach
    void setUp() {
        this.openssl = new OpenSsl(this.dir);
    }

    @Test
    void generatedRootAndIssuingCaFollowTheirProfile() throws Exception {
        X509Certificate issuing = ca.chain().get(0);
        X509Certificate root = ca.chain().get(1);
        assertThat(ca.chain()).hasSize(2);
        assertThat(ca.root()).isEqualTo(root);

        root.verify(root.getPublicKey());
        issuing.verify(root.getPublicKey());
        assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=EDP Root CA,O=EDP");
        assertThat(issuing.getSubjectX500Principal().getName()).isEqualTo("CN=EDP Issuing CA,O=EDP");
        assertThat(issuing.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        for (X509Certificate cert : ca.chain()) {
            assertThat(cert.getSigAlgName()).isEqualTo("SHA384withECDSA");
            assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getOrder().bitLength()).isEqualTo(384);
            assertThat(cert.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
            assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(Extension.basicConstraints.getId(),
                    Extension.keyUsage.getId());
            assertThat(cert.getSerialNumber().signum()).isPositive();
        }
        assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(issuing.getBasicConstraints()).isZero();
        assertThat(authorityKeyId(issuing)).isEqualTo(Crypto.subjectKeyIdentifier(root));
        assertThat(Crypto.subjectKeyIdentifier(issuing)).isNotEqualTo(Crypto.subjectKeyIdentifier(root));
        assertThat(years(root)).isEqualTo(10);
        assertThat(years(issuing)).isEqualTo(5);
    }

    @Test
    void issuedCertificateIgnoresEverythingTheCsrAskedFor() throws Exception {
        String otherCustomerUri = new DeviceIdentity(UUID.randomUUID(), UUID.randomUUID()).uri();
        ValidatedCsr csr = new CsrValidator().validate(this.openssl.csr("evil", "/CN=evil/O=Attacker/OU=Root",
                OpenSsl.ec("P-256"), "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", "-addext",
                "extendedKeyUsage=serverAuth,codeSigning,clientAuth", "-addext",
                "subjectAltName=DNS:evil.example,URI:" + otherCustomerUri, "-addext",
                "nameConstraints=permitted;DNS:x"));

        IssuedCertificate issued = ca.issue(new DeviceCertificateRequest(this.deviceId, this.customerId, csr));
        X509Certificate cert = issued.certificate();

        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + this.deviceId + ",O=EDP");
        assertThat(cert.getSubjectAlternativeNames())
            .containsExactly(List.of(6, "urn:edp:customer:" + this.customerId + ":device:" + this.deviceId));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getKeyUsage()).containsExactly(true, false, false, false, false, false, false, false, false);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(Extension.basicConstraints.getId(),
                Extension.keyUsage.getId());
        assertThat(cert.getNonCriticalExtensionOIDs()).containsExactlyInAnyOrder(Extension.extendedKeyUsage.getId(),
                Extension.subjectAlternativeName.getId(), Extension.subjectKeyIdentifier.getId(),
                Extension.authorityKeyIdentifier.getId(), Extension.cRLDistributionPoints.getId());
        assertThat(cert.getPublicKey().getEncoded()).isEqualTo(csr.publicKey().getEncoded());
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(authorityKeyId(cert)).isEqualTo(Crypto.subjectKeyIdentifier(ca.chain().get(0)));
        assertThat(DeviceIdentity.fromCertificate(cert)).isEqualTo(new DeviceIdentity(this.customerId, this.deviceId));
        assertThat(issued.chain()).isEqualTo(ca.chain());
        assertThat(issued.fullChain()).containsExactly(cert, ca.chain().get(0), ca.chain().get(1));

        String text = this.openssl.ok("x509", "-noout", "-text", "-in",
                this.openssl.write("device.pem", Pem.certificate(cert)).toString());
        assertThat(text).contains("CA:FALSE", "TLS Web Client Authentication", "URI:" + CRL_URL)
            .doesNotContain("evil", "Attacker", "Server Authentication", "Code Signing", "Certificate Sign",
                    "Name Constraints", otherCustomerUri);
    }

    @Test
    void validityStartsFiveMinutesBackAndLastsTheRequestedTime() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        EmbeddedCertificateAuthority fixed = EmbeddedCertificateAuthority.load(ca.material(), PROTECTOR,
                EmbeddedCaSettings.defaults().withClock(Clock.fixed(now.plusMillis(700), ZoneOffset.UTC)));

        IssuedCertificate defaultValidity = fixed
            .issue(new DeviceCertificateRequest(this.deviceId, this.customerId, TestPki.validCsr()));
        IssuedCertificate week = fixed.issue(
                new DeviceCertificateRequest(this.deviceId, this.customerId, TestPki.validCsr(), Duration.ofDays(7)));

        assertThat(defaultValidity.notBefore()).isEqualTo(now.minus(Duration.ofMinutes(5)));
        assertThat(defaultValidity.notAfter()).isEqualTo(now.plus(Duration.ofDays(30)));
        assertThat(week.notAfter()).isEqualTo(now.plus(Duration.ofDays(7)));
        assertThat(defaultValidity.certificate().getExtensionValue(Extension.cRLDistributionPoints.getId()))
            .as("no CRL distribution point unless configured")
            .isNull();
    }

    @Test
    void validityNeverExceedsTheIssuingCa() {
        Instant issuingNotAfter = ca.chain().get(0).getNotAfter().toInstant();
        EmbeddedCertificateAuthority late = EmbeddedCertificateAuthority.load(ca.material(), PROTECTOR,
                EmbeddedCaSettings.defaults()
                    .withClock(Clock.fixed(issuingNotAfter.minus(Duration.ofDays(10)), ZoneOffset.UTC)));

        IssuedCertificate issued = late
            .issue(new DeviceCertificateRequest(this.deviceId, this.customerId, TestPki.validCsr()));

        assertThat(issued.notAfter()).isEqualTo(issuingNotAfter);
    }

    @Test
    void anExpiredIssuingCaDoesNotLoad() {
        Instant afterExpiry = ca.chain().get(0).getNotAfter().toInstant().plusSeconds(1);
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> EmbeddedCertificateAuthority.load(ca.material(), PROTECTOR,
                    EmbeddedCaSettings.defaults().withClock(Clock.fixed(afterExpiry, ZoneOffset.UTC))))
            .withMessageContaining("not valid");
    }

    @Test
    void serialsAreRandomPositiveAndAtMost159Bits() {
        Set<BigInteger> serials = new HashSet<>();
        ValidatedCsr csr = TestPki.validCsr();
        for (int i = 0; i < 20; i++) {
            BigInteger serial = ca.issue(new DeviceCertificateRequest(this.deviceId, this.customerId, csr))
                .serialNumber();
            assertThat(serial.signum()).isPositive();
            assertThat(serial.bitLength()).isBetween(64, 159);
            assertThat(serial.toByteArray()).hasSizeLessThanOrEqualTo(20);
            serials.add(serial);
        }
        assertThat(serials).hasSize(20);
    }

    @Test
    void issuedCertificatesOfEveryKeyTypeValidateWithPkixAndOpenSsl() throws Exception {
        List<ValidatedCsr> csrs = List.of(TestPki.validCsr(TestPki.ec("secp256r1"), "SHA256withECDSA"),
                TestPki.validCsr(TestPki.ec("secp384r1"), "SHA384withECDSA"),
                TestPki.validCsr(TestPki.keyPair("Ed25519", NamedParameterSpec.ED25519), "Ed25519"),
                new CsrValidator().validate(this.openssl.csr("rsa", "/CN=rsa", OpenSsl.rsa(2048))));
        this.openssl.write("root.pem", Pem.certificate(ca.root()));
        this.openssl.write("issuing.pem", Pem.certificate(ca.chain().get(0)));

        for (ValidatedCsr csr : csrs) {
            IssuedCertificate issued = ca.issue(new DeviceCertificateRequest(this.deviceId, this.customerId, csr));
            TestPki.pkixValidate(List.of(issued.certificate(), issued.chain().get(0)), ca.root());

            this.openssl.write("device.pem", Pem.certificate(issued.certificate()));
            assertThat(this.openssl.ok("verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "-purpose",
                    "sslclient", "device.pem"))
                .as(csr.keyType().name())
                .contains("device.pem: OK");
            OpenSsl.Result asServer = this.openssl.run("verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem",
                    "-purpose", "sslserver", "device.pem");
            assertThat(asServer.exitCode()).as("a device certificate is no TLS server certificate").isNotZero();
            assertThat(asServer.output()).contains("unsuitable certificate purpose");
        }
    }

    @Test
    void aCertificateFromAnotherCaDoesNotValidate() throws Exception {
        EmbeddedCertificateAuthority other = EmbeddedCertificateAuthority.generate(PROTECTOR,
                EmbeddedCaSettings.defaults());
        IssuedCertificate issued = other
            .issue(new DeviceCertificateRequest(this.deviceId, this.customerId, TestPki.validCsr()));

        assertThat(TestPki
            .failureReason(() -> TestPki.pkixValidate(List.of(issued.certificate(), ca.chain().get(0)), ca.root())))
            .isNotNull();
        this.openssl.write("root.pem", Pem.certificate(ca.root()));
        this.openssl.write("issuing.pem", Pem.certificate(ca.chain().get(0)));
        this.openssl.write("device.pem", Pem.certificate(issued.certificate()));
        assertThat(
                this.openssl.run("verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "device.pem").exitCode())
            .isNotZero();
    }

    @Test
    void revokedCertificateIsOnTheCrlAndRefusedByOpenSslAndPkix() throws Exception {
        IssuedCertificate revoked = ca
            .issue(new DeviceCertificateRequest(this.deviceId, this.customerId, TestPki.validCsr()));
        IssuedCertificate kept = ca
            .issue(new DeviceCertificateRequest(UUID.randomUUID(), this.customerId, TestPki.validCsr()));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant revokedAt = now.minusSeconds(30);
        BigInteger unrelated = Crypto.randomSerial();

        byte[] der = ca.crl(new CrlRequest(BigInteger.valueOf(42), now, now.plus(Duration.ofHours(1)),
                List.of(new RevokedEntry(revoked.serialNumber(), revokedAt, RevokedEntry.Reason.CESSATION_OF_OPERATION),
                        new RevokedEntry(unrelated, revokedAt, RevokedEntry.Reason.UNSPECIFIED))));
        X509CRL crl = Pem.readCrl(der);

        crl.verify(ca.chain().get(0).getPublicKey());
        assertThat(crl.getVersion()).isEqualTo(2);
        assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.chain().get(0).getSubjectX500Principal());
        assertThat(crl.getThisUpdate().toInstant()).isEqualTo(now);
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(now.plus(Duration.ofHours(1)));
        assertThat(ASN1Integer
            .getInstance(ASN1OctetString.getInstance(crl.getExtensionValue(Extension.cRLNumber.getId())).getOctets())
            .getValue()).isEqualTo(42);
        assertThat(AuthorityKeyIdentifier
            .getInstance(ASN1OctetString.getInstance(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId()))
                .getOctets())
            .getKeyIdentifier()).isEqualTo(Crypto.subjectKeyIdentifier(ca.chain().get(0)));
        assertThat(crl.getRevokedCertificates()).hasSize(2);
        X509CRLEntry entry = crl.getRevokedCertificate(revoked.serialNumber());
        assertThat(entry.getRevocationDate().toInstant()).isEqualTo(revokedAt);
        assertThat(entry.getRevocationReason()).isEqualTo(java.security.cert.CRLReason.CESSATION_OF_OPERATION);
        assertThat(crl.getRevokedCertificate(unrelated).getRevocationReason()).as("unspecified is written as absent")
            .isNull();
        assertThat(crl.isRevoked(revoked.certificate())).isTrue();
        assertThat(crl.isRevoked(kept.certificate())).isFalse();

        // openssl: the revoked one fails with "certificate revoked", the other passes the
        // same CRL check
        this.openssl.write("root.pem", Pem.certificate(ca.root()));
        this.openssl.write("issuing.pem", Pem.certificate(ca.chain().get(0)));
        this.openssl.write("crl.pem", Pem.crl(der));
        this.openssl.write("revoked.pem", Pem.certificate(revoked.certificate()));
        this.openssl.write("kept.pem", Pem.certificate(kept.certificate()));
        assertThat(this.openssl.ok("crl", "-in", "crl.pem", "-CAfile", "issuing.pem", "-noout")).contains("verify OK");
        assertThat(this.openssl.ok("crl", "-in", "crl.pem", "-noout", "-text")).contains("X509v3 CRL Number", "42",
                "Cessation Of Operation", revoked.serialHex().toUpperCase());
        OpenSsl.Result refused = this.openssl.run("verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem",
                "-untrusted", "issuing.pem", "revoked.pem");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("certificate revoked");
        assertThat(this.openssl.ok("verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem", "-untrusted",
                "issuing.pem", "kept.pem"))
            .contains("kept.pem: OK");

        // JDK PKIX with the CRL in a CertStore and revocation enabled (the certs carry a
        // CRL DP; no fetching)
        assertThat(TestPki.failureReason(
                () -> TestPki.pkixValidateWithCrl(List.of(revoked.certificate(), ca.chain().get(0)), ca.root(), crl)))
            .isEqualTo(BasicReason.REVOKED);
        TestPki.pkixValidateWithCrl(List.of(kept.certificate(), ca.chain().get(0)), ca.root(), crl);
    }

    @Test
    void emptyCrlIsValidAndListsNothing() throws Exception {
        Instant now = Instant.now();
        X509CRL crl = Pem.readCrl(ca.crl(new CrlRequest(BigInteger.ONE, now, now.plusSeconds(600), List.of())));
        crl.verify(ca.chain().get(0).getPublicKey());
        assertThat(crl.getRevokedCertificates()).isNull();
        this.openssl.write("crl.pem",
                Pem.crl(ca.crl(new CrlRequest(BigInteger.ONE, now, now.plusSeconds(600), List.of()))));
        this.openssl.write("issuing.pem", Pem.certificate(ca.chain().get(0)));
        assertThat(this.openssl.ok("crl", "-in", "crl.pem", "-CAfile", "issuing.pem", "-noout")).contains("verify OK");
    }

    @Test
    void crlRequestsAreChecked() {
        Instant now = Instant.now();
        RevokedEntry entry = new RevokedEntry(BigInteger.TEN, now, RevokedEntry.Reason.KEY_COMPROMISE);
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> new CrlRequest(BigInteger.ONE, now, now, List.of()));
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> new CrlRequest(BigInteger.ONE, now, now.plusSeconds(1), List.of(entry, entry)));
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> new CrlRequest(BigInteger.ONE.negate(), now, now.plusSeconds(1), List.of()));
    }

    @Test
    void materialRoundTripsThroughExportAndLoadsIntoAnEquivalentCa() throws Exception {
        String exported = ca.material().export();
        assertThat(exported).doesNotContain("PRIVATE KEY")
            .contains("EDP PROTECTED ISSUING CA KEY", "EDP PROTECTED ROOT CA KEY");

        CaMaterial parsed = CaMaterial.parse(exported);
        assertThat(parsed).isEqualTo(ca.material());
        EmbeddedCertificateAuthority loaded = EmbeddedCertificateAuthority.load(parsed, PROTECTOR,
                EmbeddedCaSettings.defaults());
        IssuedCertificate issued = loaded
            .issue(new DeviceCertificateRequest(this.deviceId, this.customerId, TestPki.validCsr()));

        assertThat(loaded.chain()).isEqualTo(ca.chain());
        TestPki.pkixValidate(List.of(issued.certificate(), ca.chain().get(0)), ca.root());

        CaMaterial fromColumns = CaMaterial.of(ca.material().chainPem(), ca.material().protectedIssuingKey(),
                ca.material().protectedRootKey());
        assertThat(fromColumns).isEqualTo(ca.material());
    }

    @Test
    void loadingWithTheWrongKeyEncryptionKeyFails() {
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> EmbeddedCertificateAuthority.load(ca.material(), new CaKeyProtector(bytes(32, 8)),
                    EmbeddedCaSettings.defaults()))
            .withMessageContaining("cannot be decrypted");
    }

    @Test
    void theRootKeyCannotBeSwappedIntoTheIssuingKeySlot() {
        CaMaterial swapped = new CaMaterial(ca.material().chain(), ca.material().protectedRootKey(),
                ca.material().protectedRootKey());
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> EmbeddedCertificateAuthority.load(swapped, PROTECTOR, EmbeddedCaSettings.defaults()));
    }

    @Test
    void theRootKeyDecryptsAndMatchesTheRoot() {
        var rootKey = PROTECTOR.decryptPrivateKey(ca.material().protectedRootKey(),
                EmbeddedCertificateAuthority.rootKeyContext(ca.root()), "EC");
        assertThat(Crypto.keyMatches(rootKey, ca.root().getPublicKey())).isTrue();
        assertThat(Crypto.keyMatches(rootKey, ca.chain().get(0).getPublicKey())).isFalse();
    }

    @Test
    void caNameIsConfigurable() {
        EmbeddedCertificateAuthority named = EmbeddedCertificateAuthority.generate(PROTECTOR,
                EmbeddedCaSettings.defaults().withName("ACME Plant, Line 1"));
        assertThat(named.root().getSubjectX500Principal().getName()).isEqualTo("CN=ACME Plant\\, Line 1 Root CA,O=EDP");
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> EmbeddedCaSettings.defaults().withCrlDistributionPoint(URI.create("ldap://x/crl")));
    }

    private static byte[] authorityKeyId(X509Certificate cert) {
        return AuthorityKeyIdentifier
            .getInstance(ASN1OctetString.getInstance(cert.getExtensionValue(Extension.authorityKeyIdentifier.getId()))
                .getOctets())
            .getKeyIdentifier();
    }

    private static long years(X509Certificate cert) {
        return Math
            .round(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()).toDays() / 365.25);
    }

    static byte[] bytes(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

}
