package dev.edp.onboarding.ca;

import java.math.BigInteger;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.TestServices.DeviceKey;
import dev.edp.onboarding.pki.CaKeyProtector;
import dev.edp.onboarding.pki.CertificateAuthorityException;
import dev.edp.onboarding.pki.CrlRequest;
import dev.edp.onboarding.pki.CsrValidator;
import dev.edp.onboarding.pki.DeviceCertificateRequest;
import dev.edp.onboarding.pki.EmbeddedCaSettings;
import dev.edp.onboarding.pki.EmbeddedCertificateAuthority;
import dev.edp.onboarding.pki.IssuedCertificate;
import dev.edp.onboarding.pki.Pem;
import dev.edp.onboarding.pki.RevokedEntry;
import dev.edp.onboarding.pki.ValidatedCsr;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Vault PKI provider against an HTTP server that replays the responses Vault's PKI
 * API documents ({@code data.certificate}, {@code data.issuing_ca},
 * {@code data.ca_chain}, {@code data.serial_number}, {@code data.expiration};
 * {@code data.revocation_time}). No Vault binary can run here; the certificates and CRLs
 * it replays are real, made by the embedded CA.
 */
class VaultCertificateAuthorityTests {

    static final String TOKEN = "hvs.test-token-for-onboarding";
    static final byte[] KEK = new SecureRandom().generateSeed(32);

    /** Plays Vault's CA: real certificates and CRLs for the replayed answers. */
    final EmbeddedCertificateAuthority vaultsCa = EmbeddedCertificateAuthority.generate(new CaKeyProtector(KEK),
            EmbeddedCaSettings.defaults().withName("Vault"));

    final StubBackend vault = StubBackend.start()
        .script("/v1/pki/ca_chain",
                new Answer(200, "application/pem-certificate-chain", Pem.certificates(vaultsCa.chain()), 0))
        // Spring Vault looks a configured token up once; this one does not expire (no
        // renewal).
        .script("/v1/auth/token/lookup-self",
                new Answer(200, "application/json", "{\"data\":{\"accessor\":"
                        + "\"8609694a-cdbc-db9b-d345-e782dbb562ed\",\"creation_ttl\":0,\"explicit_max_ttl\":0,"
                        + "\"id\":\"" + TOKEN + "\",\"policies\":[\"edp-onboarding\"],\"renewable\":false,\"ttl\":0,"
                        + "\"type\":\"service\"}}", 0));

    final List<VaultConnection> connections = new ArrayList<>();

    @AfterEach
    void stop() {
        connections.forEach(VaultConnection::close);
        vault.close();
    }

    VaultCertificateAuthority connect() {
        return connect(PkiProperties.Vault.withToken(URI.create(vault.url()), TOKEN));
    }

    VaultCertificateAuthority connect(PkiProperties.Vault settings) {
        VaultConnection connection = VaultConnection.open(settings);
        connections.add(connection);
        return new VaultCertificateAuthority(connection.operations(), connection::dropToken, settings.mount(),
                settings.role(), Clock.systemUTC());
    }

    static String json(String value) {
        return "\"" + value.replace("\n", "\\n").replace("\r", "") + "\"";
    }

    /** Vault's documented answer of {@code pki/sign/:role}. */
    String signAnswer(IssuedCertificate issued) {
        String serial = VaultCertificateAuthority.colonHex(issued.serialNumber());
        return "{\"request_id\":\"" + UUID.randomUUID()
                + "\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0," + "\"data\":{\"certificate\":"
                + json(Pem.certificate(issued.certificate())) + ",\"expiration\":" + issued.notAfter().getEpochSecond()
                + ",\"issuing_ca\":" + json(Pem.certificate(vaultsCa.chain().getFirst())) + ",\"ca_chain\":["
                + json(Pem.certificate(vaultsCa.chain().get(0))) + "," + json(Pem.certificate(vaultsCa.chain().get(1)))
                + "],\"serial_number\":\"" + serial + "\"}," + "\"wrap_info\":null,\"warnings\":null,\"auth\":null}";
    }

    @Test
    void issuesThroughPkiSignWithTheTokenAndOnlyThePlatformsIdentity() {
        DeviceKey key = DeviceKey.generate();
        ValidatedCsr csr = new CsrValidator().validate(key.csrPem());
        DeviceCertificateRequest request = new DeviceCertificateRequest(UUID.randomUUID(), UUID.randomUUID(), csr,
                Duration.ofDays(30));
        IssuedCertificate vaultIssued = vaultsCa.issue(request);
        vault.script("/v1/pki/sign/edp-device", new Answer(200, "application/json", signAnswer(vaultIssued), 0));

        VaultCertificateAuthority ca = connect();
        IssuedCertificate issued = ca.issue(request);

        assertThat(issued.certificate()).isEqualTo(vaultIssued.certificate());
        assertThat(issued.serialHex()).isEqualTo(vaultIssued.serialHex());
        assertThat(issued.chain()).isEqualTo(vaultsCa.chain());
        assertThat(ca.chain()).isEqualTo(vaultsCa.chain());
        assertThat(ca.root()).isEqualTo(vaultsCa.chain().getLast());

        StubBackend.Received sign = vault.received()
            .stream()
            .filter(r -> r.pathAndQuery().equals("/v1/pki/sign/edp-device"))
            .findFirst()
            .orElseThrow();
        assertThat(sign.method()).isIn("POST", "PUT");
        assertThat(sign.header("X-Vault-Token")).isEqualTo(TOKEN);
        assertThat(JsonPath.<String>read(sign.body(), "$.common_name")).isEqualTo(request.deviceId().toString());
        assertThat(JsonPath.<String>read(sign.body(), "$.uri_sans")).isEqualTo(request.identity().uri());
        assertThat(JsonPath.<Boolean>read(sign.body(), "$.exclude_cn_from_sans")).isTrue();
        assertThat(JsonPath.<String>read(sign.body(), "$.ttl")).isEqualTo(Duration.ofDays(30).toSeconds() + "s");
        assertThat(new CsrValidator().validate(JsonPath.<String>read(sign.body(), "$.csr")).publicKey())
            .isEqualTo(key.keys().getPublic());
        assertThat(vault.received()
            .stream()
            .filter(r -> r.pathAndQuery().equals("/v1/pki/ca_chain"))
            .findFirst()
            .orElseThrow()
            .header("X-Vault-Token")).isEqualTo(TOKEN);
    }

    @Test
    void aCertificateThatBreaksTheDeviceProfileIsRefused() {
        ValidatedCsr csr = new CsrValidator().validate(DeviceKey.generate().csrPem());
        DeviceCertificateRequest request = new DeviceCertificateRequest(UUID.randomUUID(), UUID.randomUUID(), csr);
        // A misconfigured role: the certificate is for another identity than the one
        // asked for.
        IssuedCertificate wrong = vaultsCa
            .issue(new DeviceCertificateRequest(UUID.randomUUID(), request.customerId(), csr));
        vault.script("/v1/pki/sign/edp-device", new Answer(200, "application/json", signAnswer(wrong), 0));

        assertThatExceptionOfType(CertificateAuthorityException.class).isThrownBy(() -> connect().issue(request))
            .withMessageContaining("instead of CN=" + request.deviceId());
    }

    @Test
    void vaultsErrorsAreCaFailuresWithoutTheToken() {
        vault.script("/v1/pki/sign/edp-device",
                new Answer(400, "application/json", "{\"errors\":[\"common name not allowed by this role\"]}", 0));
        ValidatedCsr csr = new CsrValidator().validate(DeviceKey.generate().csrPem());

        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> connect().issue(new DeviceCertificateRequest(UUID.randomUUID(), UUID.randomUUID(), csr)))
            .withMessageContaining("common name not allowed")
            .withMessageNotContaining(TOKEN);
    }

    @Test
    void revocationSendsTheSerialInVaultsForm() {
        vault.script("/v1/pki/revoke", new Answer(200, "application/json",
                "{\"data\":{\"revocation_time\":" + Instant.now().getEpochSecond() + "}}", 0));
        BigInteger serial = new BigInteger("0a1b2c3d4e5f60718293a4b5c6d7e8f9", 16);

        connect().revoked(serial);

        StubBackend.Received revoke = vault.received()
            .stream()
            .filter(r -> r.pathAndQuery().equals("/v1/pki/revoke"))
            .findFirst()
            .orElseThrow();
        assertThat(revoke.header("X-Vault-Token")).isEqualTo(TOKEN);
        assertThat(JsonPath.<String>read(revoke.body(), "$.serial_number"))
            .isEqualTo("0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9");
    }

    @Test
    void theCrlIsVaultsOwnAfterARotation() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BigInteger revoked = new BigInteger("1234abcd5678ef", 16);
        byte[] vaultsCrl = vaultsCa.crl(new CrlRequest(BigInteger.valueOf(7), now, now.plus(Duration.ofHours(72)),
                List.of(new RevokedEntry(revoked, now, RevokedEntry.Reason.UNSPECIFIED))));
        vault.script("/v1/pki/crl/rotate", new Answer(200, "application/json", "{\"data\":{\"success\":true}}", 0))
            .script("/v1/pki/crl/pem", new Answer(200, "text/plain", Pem.crl(vaultsCrl), 0));

        byte[] der = connect().crl(new CrlRequest(BigInteger.ONE, now, now.plus(Duration.ofDays(1)), List.of()));

        assertThat(der).isEqualTo(vaultsCrl);
        X509CRL crl = Pem.readCrl(der);
        crl.verify(vaultsCa.chain().getFirst().getPublicKey());
        assertThat(crl.getRevokedCertificate(revoked)).isNotNull();
        assertThat(vault.calls("/v1/pki/crl/rotate")).isEqualTo(1);
    }

    @Test
    void aChainWithoutItsRootStopsTheStart() {
        vault.script("/v1/pki/ca_chain",
                new Answer(200, "application/pem-certificate-chain", Pem.certificate(vaultsCa.chain().getFirst()), 0));

        assertThatExceptionOfType(CertificateAuthorityException.class).isThrownBy(this::connect)
            .withMessageContaining("self-signed root");
    }

    @Test
    void anUnreachableVaultStopsTheStartWithACaFailure() {
        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> connect(
                    PkiProperties.Vault.withToken(URI.create("http://127.0.0.1:" + StubBackend.closedPort()), TOKEN)))
            .withMessageContaining("Vault could not read the CA chain");
    }

    @Test
    void withoutATokenTheProviderDoesNotStart() {
        assertThatExceptionOfType(IllegalStateException.class)
            .isThrownBy(() -> connect(PkiProperties.Vault.withToken(URI.create(vault.url()), "")))
            .withMessageContaining("edp.pki.vault.token");
    }

}
