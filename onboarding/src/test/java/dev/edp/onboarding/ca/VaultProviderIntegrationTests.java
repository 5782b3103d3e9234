package dev.edp.onboarding.ca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.OnboardingIntegrationTest;
import dev.edp.onboarding.TestRequests;
import dev.edp.onboarding.pki.Pem;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole service with {@code edp.pki.provider=vault}, against {@link ReplayingVault}:
 * enrollment stores the certificate Vault signed, the published chain is Vault's,
 * revocation reaches Vault and the published CRL is Vault's with the serial on it.
 * Onboarding logs in with Vault's Kubernetes auth, configured by the variables the Helm
 * chart sets ({@code EDP_VAULT_AUTH}, {@code EDP_VAULT_KUBERNETES_ROLE|PATH|TOKEN_FILE}),
 * and no static token.
 */
@EdpServiceTest
class VaultProviderIntegrationTests extends OnboardingIntegrationTest {

    static final ReplayingVault vault = new ReplayingVault();

    static final String SERVICE_ACCOUNT_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOlsidmF1bHQiXX0.c2lnbmF0dXJl";

    static final Path tokenFile;

    static {
        try {
            tokenFile = Files.createTempFile("edp-vault-service-account", ".jwt");
            Files.writeString(tokenFile, SERVICE_ACCOUNT_TOKEN);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        vault.kubernetesPath = "k8s-edp";
        vault.kubernetesRole.set("edp-onboarding");
        vault.kubernetesJwt.set(SERVICE_ACCOUNT_TOKEN);
    }

    @DynamicPropertySource
    static void vault(DynamicPropertyRegistry registry) {
        registry.add("edp.pki.provider", () -> "vault");
        registry.add("EDP_VAULT_URI", vault::url);
        registry.add("EDP_VAULT_AUTH", () -> "kubernetes");
        registry.add("EDP_VAULT_KUBERNETES_ROLE", () -> "edp-onboarding");
        registry.add("EDP_VAULT_KUBERNETES_PATH", () -> "k8s-edp");
        registry.add("EDP_VAULT_KUBERNETES_TOKEN_FILE", tokenFile::toString);
    }

    @AfterAll
    static void stop() throws IOException {
        vault.close();
        Files.deleteIfExists(tokenFile);
    }

    @Test
    void enrollmentStoresVaultsCertificateAndRevocationReachesVaultsCrl() {
        UUID customer = UUID.randomUUID();
        String operator = TestJwtIssuer.token("otto", customer, "operator");
        HttpResponse<String> enrolled = TestRequests.enrollNewDevice(checks.baseUrl(), operator);

        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        String serial = JsonPath.read(enrolled.body(), "$.serial");
        X509Certificate fromVault = vault.issued.get(new BigInteger(serial, 16)).certificate();
        assertThat(Pem.readCertificates(JsonPath.read(enrolled.body(), "$.certificate")).getFirst())
            .isEqualTo(fromVault);
        String stored = jdbc.sql("SELECT certificate_pem FROM device_certificate WHERE serial = :s")
            .param("s", serial)
            .query(String.class)
            .single();
        assertThat(Pem.readCertificates(stored).getFirst()).isEqualTo(fromVault);
        assertThat(Pem.readCertificates(
                ServiceSmokeChecks.send("GET", checks.baseUrl() + "/onboarding/api/v1/ca/chain.pem", null, null)
                    .body()))
            .isEqualTo(vault.ca.chain());

        HttpResponse<String> revoked = ServiceSmokeChecks.send("POST",
                checks.baseUrl() + "/api/onboarding/v1/certificates/" + serial + "/revoke", "application/json", "{}",
                operator);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(vault.revoked).containsKey(new BigInteger(serial, 16));

        HttpResponse<String> crlPem = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/onboarding/api/v1/crl.pem",
                null, null);
        X509CRL crl = Pem.readCrl(crlPem.body().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(crl.getIssuerX500Principal()).isEqualTo(vault.ca.chain().getFirst().getSubjectX500Principal());
        assertThat(crl.getRevokedCertificate(new BigInteger(serial, 16))).isNotNull();
        // No KEK-protected CA was created: the CA lives in Vault.
        assertThat(jdbc.sql("SELECT count(*) FROM ca_material").query(Integer.class).single()).isZero();
        // Every call carried the token the Kubernetes login returned, never a configured
        // one.
        ReplayingVault.Call login = vault.calls.stream()
            .filter(call -> call.path().equals("/v1/auth/k8s-edp/login"))
            .findFirst()
            .orElseThrow();
        assertThat(JsonPath.<String>read(login.body(), "$.role")).isEqualTo("edp-onboarding");
        assertThat(JsonPath.<String>read(login.body(), "$.jwt")).isEqualTo(SERVICE_ACCOUNT_TOKEN);
        assertThat(vault.calls).filteredOn(call -> call.path().startsWith("/v1/pki/"))
            .isNotEmpty()
            .extracting(ReplayingVault.Call::token)
            .containsOnly(vault.loginTokens.getFirst());
    }

}
