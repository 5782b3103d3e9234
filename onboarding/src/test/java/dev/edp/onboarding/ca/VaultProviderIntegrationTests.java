package dev.edp.onboarding.ca;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.TestServices.DeviceKey;
import dev.edp.onboarding.pki.Pem;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole service with {@code edp.pki.provider=vault}, against {@link ReplayingVault}: enrollment
 * stores the certificate Vault signed, the published chain is Vault's, revocation reaches Vault and
 * the published CRL is Vault's with the serial on it.
 */
@EdpServiceTest
class VaultProviderIntegrationTests {

    static final ReplayingVault vault = new ReplayingVault();

    @DynamicPropertySource
    static void vault(DynamicPropertyRegistry registry) {
        registry.add("edp.pki.provider", () -> "vault");
        registry.add("edp.pki.vault.uri", vault::url);
        registry.add("edp.pki.vault.token", () -> ReplayingVault.TOKEN);
    }

    @AfterAll
    static void stop() {
        vault.close();
    }

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    @Test
    void enrollmentStoresVaultsCertificateAndRevocationReachesVaultsCrl() {
        UUID customer = UUID.randomUUID();
        String operator = TestJwtIssuer.token("otto", customer, "operator");
        HttpResponse<String> token = ServiceSmokeChecks.send("POST", checks.baseUrl() + "/api/onboarding/v1/tokens",
                "application/json", "{}", operator);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);

        HttpResponse<String> enrolled = ServiceSmokeChecks.send("POST", checks.baseUrl() + "/onboarding/api/v1/enrollments",
                "application/json", "{\"token\":\"" + JsonPath.read(token.body(), "$.token") + "\",\"csr\":\""
                        + DeviceKey.generate().csrPem().replace("\n", "\\n").replace("\r", "") + "\"}");

        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        String serial = JsonPath.read(enrolled.body(), "$.serial");
        X509Certificate fromVault = vault.issued.get(new BigInteger(serial, 16)).certificate();
        assertThat(Pem.readCertificates(JsonPath.read(enrolled.body(), "$.certificate")).getFirst()).isEqualTo(fromVault);
        String stored = jdbc.sql("SELECT certificate_pem FROM device_certificate WHERE serial = :s").param("s", serial)
                .query(String.class).single();
        assertThat(Pem.readCertificates(stored).getFirst()).isEqualTo(fromVault);
        assertThat(Pem.readCertificates(ServiceSmokeChecks.send("GET", checks.baseUrl() + "/onboarding/api/v1/ca/chain.pem",
                null, null).body())).isEqualTo(vault.ca.chain());

        HttpResponse<String> revoked = ServiceSmokeChecks.send("POST", checks.baseUrl() + "/api/onboarding/v1/certificates/"
                + serial + "/revoke", "application/json", "{}", operator);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(vault.revoked).containsKey(new BigInteger(serial, 16));

        HttpResponse<String> crlPem = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/onboarding/api/v1/crl.pem", null, null);
        X509CRL crl = Pem.readCrl(crlPem.body().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(crl.getIssuerX500Principal()).isEqualTo(vault.ca.chain().getFirst().getSubjectX500Principal());
        assertThat(crl.getRevokedCertificate(new BigInteger(serial, 16))).isNotNull();
        // No KEK-protected CA was created: the CA lives in Vault.
        assertThat(jdbc.sql("SELECT count(*) FROM ca_material").query(Integer.class).single()).isZero();
    }
}
