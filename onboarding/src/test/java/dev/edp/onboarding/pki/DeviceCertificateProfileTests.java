package dev.edp.onboarding.pki;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.edp.platform.device.DeviceIdentity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The guard a provider runs on what it issues, tried on certificates signed by a CA that
 * does whatever it is told (openssl), like a misconfigured Vault role would.
 */
class DeviceCertificateProfileTests {

    @TempDir
    Path dir;

    OpenSsl openssl;

    final UUID customerId = UUID.randomUUID();

    final UUID deviceId = UUID.randomUUID();

    X509Certificate ca;

    @BeforeEach
    void setUp() {
        this.openssl = new OpenSsl(this.dir);
        this.openssl.ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "ca.key", "-out", "ca.pem", "-subj", "/CN=Loose CA", "-days", "30", "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        this.ca = Pem.readCertificates(this.openssl.read("ca.pem")).get(0);
    }

    /**
     * @param identity the subjectAltName URI (and more names, if any)
     * @return the profile's extensions, as openssl's -extfile takes them
     */
    static String clientProfile(String identity) {
        return """
                keyUsage=critical,digitalSignature
                extendedKeyUsage=clientAuth
                subjectAltName=URI:%s
                """.formatted(identity);
    }

    @Test
    void acceptsAForeignCertificateThatFollowsTheProfile() {
        assertThatNoException().isThrownBy(() -> check("/O=EDP/CN=" + this.deviceId, """
                basicConstraints=critical,CA:FALSE
                keyUsage=critical,digitalSignature
                extendedKeyUsage=clientAuth
                subjectAltName=URI:%s
                """.formatted(identityUri())));
    }

    @Test
    void rejectsServerAuthNextToClientAuth() {
        assertViolation("/O=EDP/CN=" + this.deviceId, """
                keyUsage=critical,digitalSignature
                extendedKeyUsage=clientAuth,serverAuth
                subjectAltName=URI:%s
                """.formatted(identityUri()), "clientAuth only");
    }

    @Test
    void rejectsTheCsrsSubject() {
        assertViolation("/CN=evil", clientProfile(identityUri()), "has subject");
    }

    @Test
    void rejectsExtraSubjectAlternativeNames() {
        assertViolation("/O=EDP/CN=" + this.deviceId, """
                keyUsage=critical,digitalSignature
                extendedKeyUsage=clientAuth
                subjectAltName=URI:%s,DNS:device.example
                """.formatted(identityUri()), "identity URI SAN");
    }

    @Test
    void rejectsAnotherCustomersIdentity() {
        assertViolation("/O=EDP/CN=" + this.deviceId,
                clientProfile(new DeviceIdentity(UUID.randomUUID(), this.deviceId).uri()), "carries identity");
    }

    @Test
    void rejectsCaCertificates() {
        assertViolation("/O=EDP/CN=" + this.deviceId, """
                basicConstraints=critical,CA:TRUE
                keyUsage=critical,digitalSignature,keyCertSign
                extendedKeyUsage=clientAuth
                subjectAltName=URI:%s
                """.formatted(identityUri()), "keyCertSign");
    }

    @Test
    void rejectsACertificateForAnotherKey() {
        String extensions = clientProfile(identityUri());
        IssuedCertificate issued = sign("/O=EDP/CN=" + this.deviceId, extensions);
        DeviceCertificateRequest otherKey = new DeviceCertificateRequest(this.deviceId, this.customerId,
                TestPki.validCsr());
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> DeviceCertificateProfile.verify(otherKey, issued, Instant.now()))
            .withMessageContaining("public key");
    }

    @Test
    void rejectsLongerValidityThanRequested() {
        String extensions = clientProfile(identityUri());
        IssuedCertificate issued = sign("/O=EDP/CN=" + this.deviceId, extensions, "-days", "60");
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> DeviceCertificateProfile.verify(request(), issued, Instant.now()))
            .withMessageContaining("longer than requested");
    }

    private String identityUri() {
        return new DeviceIdentity(this.customerId, this.deviceId).uri();
    }

    private ValidatedCsr csr;

    private DeviceCertificateRequest request() {
        return new DeviceCertificateRequest(this.deviceId, this.customerId, this.csr);
    }

    private IssuedCertificate sign(String subject, String extensions, String... extra) {
        this.csr = new CsrValidator().validate(this.openssl.csr("device", subject, OpenSsl.ec("P-256")));
        this.openssl.write("device.ext", extensions);
        List<String> args = new ArrayList<>(List.of("x509", "-req", "-in", "device.csr", "-CA", "ca.pem", "-CAkey",
                "ca.key", "-CAcreateserial", "-extfile", "device.ext", "-out", "device.pem"));
        args.addAll(extra.length > 0 ? List.of(extra) : List.of("-days", "30"));
        this.openssl.ok(args.toArray(String[]::new));
        return new IssuedCertificate(Pem.readCertificates(this.openssl.read("device.pem")).get(0), List.of(this.ca));
    }

    private void check(String subject, String extensions) {
        IssuedCertificate issued = sign(subject, extensions);
        DeviceCertificateProfile.verify(request(), issued, Instant.now());
    }

    private void assertViolation(String subject, String extensions, String message) {
        assertThatExceptionOfType(CertificateAuthorityException.class).isThrownBy(() -> check(subject, extensions))
            .withMessageContaining(message);
    }

    @Test
    void identityUriParsingIsStrict() {
        DeviceIdentity identity = new DeviceIdentity(this.customerId, this.deviceId);
        assertThat(identity.uri()).isEqualTo("urn:edp:customer:" + this.customerId + ":device:" + this.deviceId);
        assertThat(DeviceIdentity.fromUri(identity.uri())).isEqualTo(identity);
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> DeviceIdentity.fromUri(identity.uri().toUpperCase()));
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> DeviceIdentity.fromUri(identity.uri() + ":x"));
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> DeviceIdentity.fromUri("urn:edp:device:" + this.deviceId));
    }

}
