package dev.edp.agent;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceKeysTests {

    @TempDir
    Path temp;

    @Test
    void keyIsEcP256() {
        KeyPair keys = DeviceKeys.generate();
        ECPublicKey publicKey = (ECPublicKey) keys.getPublic();
        assertThat(publicKey.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        // Same curve as secp256r1 (P-256): compare the order of the base point.
        assertThat(publicKey.getParams().getOrder()).isEqualTo(ECNamedCurveTable.getByName("secp256r1").getN());
        assertThat(keys.getPrivate()).isInstanceOf(ECPrivateKey.class);
    }

    @Test
    void csrIsSignedByTheDeviceKeyAndCarriesItsPublicKey() throws Exception {
        KeyPair keys = DeviceKeys.generate();
        String pem = DeviceKeys.csr(keys, "press-7");
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            csr = (PKCS10CertificationRequest) parser.readObject();
        }
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(keys.getPublic()))).isTrue();
        assertThat(csr.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        assertThat(csr.getSubject().toString()).isEqualTo("CN=press-7");
        // Another key does not verify it.
        assertThat(
                csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(DeviceKeys.generate().getPublic())))
            .isFalse();
    }

    @Test
    void storedKeyIsOwnerOnlyPkcs8AndReadsBackTheSame() throws Exception {
        TestCa ca = new TestCa();
        KeyPair keys = DeviceKeys.generate();
        UUID device = UUID.randomUUID();
        var certificate = ca.issue(DeviceKeys.csr(keys, "x"), device, UUID.randomUUID(), Duration.ofHours(1));
        Credentials credentials = new Credentials(keys.getPrivate(), List.of(certificate, ca.root),
                new DeviceIdentity(device, UUID.randomUUID(), certificate.getSerialNumber().toString(16),
                        certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()));
        DeviceStore store = new DeviceStore(temp.resolve("agent"));
        store.save(URI.create("https://localhost:8443"), E3Trust.of(List.of(ca.root)), credentials);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.keyFile())))
            .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.dir()))).isEqualTo("rwx------");
        assertThat(Files.readString(store.keyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
        Credentials read = store.credentials();
        assertThat(read.key().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(read.chain()).containsExactly(certificate, ca.root);
        assertThat(read.identity()).isEqualTo(credentials.identity());
        assertThat(store.e3()).isEqualTo(URI.create("https://localhost:8443"));
        try (var files = Files.list(store.dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain(".device.key.tmp");
        }
    }

}
