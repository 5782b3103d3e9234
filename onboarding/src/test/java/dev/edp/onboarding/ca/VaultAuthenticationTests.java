package dev.edp.onboarding.ca;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.TestServices.DeviceKey;
import dev.edp.onboarding.ca.ReplayingVault.Call;
import dev.edp.onboarding.pki.CertificateAuthorityException;
import dev.edp.onboarding.pki.CsrValidator;
import dev.edp.onboarding.pki.DeviceCertificateRequest;
import dev.edp.onboarding.pki.IssuedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * How onboarding logs in to Vault ({@code edp.pki.vault.auth}) and keeps its token,
 * against {@link ReplayingVault} over real HTTP with Vault's documented login,
 * renew-self, lookup-self and revoke-self answers: the Kubernetes login sends the role
 * and the service account token read from the file at that moment, the AppRole login the
 * role id and secret id; the PKI calls carry the token the login returned; the token is
 * renewed before it expires; a refused renewal, or a renewal that leaves too little time,
 * leads to a new login at the next call; closing revokes a login token but never a
 * configured one. Short token lifetimes (4 s, renewed 1 s before expiry) instead of a
 * clock: every wait polls for what Vault saw, up to a minute.
 */
class VaultAuthenticationTests {

    static final Duration WAIT = Duration.ofSeconds(60);

    final ReplayingVault vault = new ReplayingVault();

    @TempDir
    Path dir;

    VaultConnection connection;

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close();
        }
        vault.close();
    }

    Path tokenFile(String jwt) throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, jwt);
        return file;
    }

    PkiProperties.Vault kubernetes(Path tokenFile, Duration renewBeforeExpiry) {
        return new PkiProperties.Vault(URI.create(vault.url()), "kubernetes", null, null, null,
                new PkiProperties.Kubernetes("edp-onboarding", null, tokenFile), null, renewBeforeExpiry);
    }

    PkiProperties.Vault approle(String roleId, String secretId) {
        return new PkiProperties.Vault(URI.create(vault.url()), "approle", null, null, null, null,
                new PkiProperties.AppRole(null, roleId, secretId), null);
    }

    VaultCertificateAuthority connect(PkiProperties.Vault settings) {
        connection = VaultConnection.open(settings);
        return new VaultCertificateAuthority(connection.operations(), connection::dropToken, settings.mount(),
                settings.role(), Clock.systemUTC());
    }

    /**
     * Logs in with a Kubernetes service account token; Vault's tokens live 4 s, renewed
     * when less than 1 s + 2 s is left.
     */
    VaultCertificateAuthority connectWithShortLivedKubernetesLogin() throws IOException {
        vault.tokenTtlSeconds = 4;
        vault.kubernetesJwt.set(jwt("first"));
        return connect(kubernetes(tokenFile(jwt("first")), Duration.ofSeconds(1)));
    }

    static DeviceCertificateRequest request() {
        return new DeviceCertificateRequest(UUID.randomUUID(), UUID.randomUUID(),
                new CsrValidator().validate(DeviceKey.generate().csrPem()), Duration.ofDays(30));
    }

    List<Call> calls(String path) {
        return vault.calls.stream().filter(call -> call.path().equals(path)).toList();
    }

    /**
     * A JWT-shaped service account token (Vault's stand-in compares it, a real Vault has
     * it reviewed).
     */
    static String jwt(String name) {
        return "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZWRwOm" + name + "In0.c2lnbmF0dXJl";
    }

    @Test
    void kubernetesLoginSendsTheRoleAndTheServiceAccountTokenAndEveryPkiCallCarriesTheTokenItGot() throws IOException {
        vault.kubernetesJwt.set(jwt("first"));
        // The kubelet writes the file with or without a final newline; Vault wants the
        // bare JWT.
        VaultCertificateAuthority ca = connect(kubernetes(tokenFile(jwt("first") + "\n"), Duration.ofMinutes(1)));

        IssuedCertificate issued = ca.issue(request());

        List<Call> logins = calls("/v1/auth/kubernetes/login");
        assertThat(logins).hasSize(1);
        assertThat(logins.getFirst().method()).isIn("POST", "PUT");
        assertThat(logins.getFirst().token()).as("a login needs no token").isNull();
        assertThat(JsonPath.<String>read(logins.getFirst().body(), "$.role")).isEqualTo("edp-onboarding");
        assertThat(JsonPath.<String>read(logins.getFirst().body(), "$.jwt")).isEqualTo(jwt("first"));
        String token = vault.loginTokens.getFirst();
        assertThat(calls("/v1/pki/ca_chain")).extracting(Call::token).containsExactly(token);
        assertThat(calls("/v1/pki/sign/edp-device")).extracting(Call::token).containsExactly(token);
        assertThat(vault.issued).containsKey(issued.serialNumber());
        // A LoginToken is not looked up again: the login answer said how long it lives.
        assertThat(calls("/v1/auth/token/lookup-self")).isEmpty();

        connection.close();
        connection = null;
        assertThat(calls("/v1/auth/token/revoke-self")).extracting(Call::token).containsExactly(token);
        assertThat(vault.validTokens).doesNotContain(token);
    }

    @Test
    void theTokenIsRenewedBeforeItExpiresAndARefusedRenewalLeadsToANewLoginWithTheRotatedServiceAccountToken()
            throws IOException {
        vault.tokenTtlSeconds = 4;
        vault.kubernetesJwt.set(jwt("first"));
        Path file = tokenFile(jwt("first"));
        VaultCertificateAuthority ca = connect(kubernetes(file, Duration.ofSeconds(1)));
        String first = vault.loginTokens.getFirst();

        // Renewed 1 s before its 4 s run out, again and again, with the token itself.
        await().atMost(WAIT).until(() -> calls("/v1/auth/token/renew-self").size() >= 2);
        assertThat(calls("/v1/auth/token/renew-self")).extracting(Call::token).containsOnly(first);
        assertThat(vault.loginTokens).hasSize(1);

        // The kubelet rotates the projected token; then Vault refuses to renew the
        // session's token.
        Files.writeString(file, jwt("second"));
        vault.kubernetesJwt.set(jwt("second"));
        vault.refuseRenewal(first);
        await().atMost(WAIT).until(() -> !vault.validTokens.contains(first));

        IssuedCertificate issued = ca.issue(request());

        assertThat(vault.loginTokens).hasSize(2);
        List<Call> logins = calls("/v1/auth/kubernetes/login");
        assertThat(JsonPath.<String>read(logins.get(1).body(), "$.jwt")).as("the file is read at every login")
            .isEqualTo(jwt("second"));
        String second = vault.loginTokens.get(1);
        // Issued with the new token. (When the call came before the session had handled
        // the refused renewal, Vault refused the old token once and the call logged in
        // again.)
        assertThat(calls("/v1/pki/sign/edp-device").getLast().token()).isEqualTo(second);
        assertThat(calls("/v1/pki/sign/edp-device")).extracting(Call::token).isSubsetOf(first, second);
        assertThat(vault.issued).containsKey(issued.serialNumber());
        // And the new token is renewed in turn.
        await().atMost(WAIT)
            .until(() -> calls("/v1/auth/token/renew-self").stream().anyMatch(call -> second.equals(call.token())));
    }

    @Test
    void aTokenVaultStoppedHonouringBeforeItWasDueIsReplacedByANewLoginAndTheCallSucceeds() throws IOException {
        vault.kubernetesJwt.set(jwt("first"));
        VaultCertificateAuthority ca = connect(kubernetes(tokenFile(jwt("first")), Duration.ofMinutes(1)));
        ca.issue(request());
        String first = vault.loginTokens.getFirst();

        // Revoked on Vault's side (an operator, or a Vault restored from a snapshot) long
        // before its lifetime ends, so nothing renews it or notices.
        vault.validTokens.remove(first);
        IssuedCertificate issued = ca.issue(request());

        assertThat(vault.loginTokens).hasSize(2);
        String second = vault.loginTokens.get(1);
        assertThat(calls("/v1/pki/sign/edp-device")).extracting(Call::token).containsExactly(first, first, second);
        assertThat(vault.issued).containsKey(issued.serialNumber());
    }

    @Test
    void aCallTheRoleForbidsFailsAfterOneNewLoginInsteadOfLoggingInAgainAndAgain() throws IOException {
        vault.kubernetesJwt.set(jwt("first"));
        VaultCertificateAuthority ca = connect(kubernetes(tokenFile(jwt("first")), Duration.ofMinutes(1)));
        vault.forbidSigning = true;

        assertThatThrownBy(() -> ca.issue(request())).isInstanceOf(CertificateAuthorityException.class)
            .hasMessageContaining("permission denied");

        assertThat(vault.loginTokens).hasSize(2);
        assertThat(calls("/v1/pki/sign/edp-device")).hasSize(2);
    }

    @Test
    void aRenewalThatLeavesTooLittleTimeDropsTheTokenAndTheNextCallLogsInAgain() throws IOException {
        VaultCertificateAuthority ca = connectWithShortLivedKubernetesLogin();
        String first = vault.loginTokens.getFirst();

        // The token reached its max TTL: Vault renews it, but for 2 s only (below the 1 s
        // + 2 s threshold).
        vault.tokenTtlSeconds = 2;
        await().atMost(WAIT).until(() -> vault.renewals.stream().anyMatch(renewal -> renewal.getValue() == 2));
        vault.tokenTtlSeconds = 4;
        // Vault saw the renewal; the session handles its answer on its own thread.
        await().atMost(WAIT).until(() -> connection.tokensDropped() == 1);

        ca.issue(request());

        assertThat(vault.loginTokens).hasSize(2);
        assertThat(calls("/v1/pki/sign/edp-device")).extracting(Call::token)
            .containsExactly(vault.loginTokens.get(1))
            .doesNotContain(first);
    }

    @Test
    void whenTheNewLoginIsRefusedIssuingFailsAsACaFailureWithoutTheServiceAccountToken() throws IOException {
        VaultCertificateAuthority ca = connectWithShortLivedKubernetesLogin();
        String first = vault.loginTokens.getFirst();

        // The role was removed from Vault: renewal refused, and so is the next login.
        vault.kubernetesRole.set("another-role");
        vault.refuseRenewal(first);
        await().atMost(WAIT).until(() -> !vault.validTokens.contains(first));
        await().atMost(WAIT).until(() -> connection.tokensDropped() == 1);

        assertThatExceptionOfType(CertificateAuthorityException.class).isThrownBy(() -> ca.issue(request()))
            .withMessageContaining("Vault could not sign the device certificate")
            .withMessageNotContaining(jwt("first"));
        assertThat(calls("/v1/pki/sign/edp-device")).isEmpty();
    }

    @Test
    void approleLoginSendsRoleIdAndSecretIdAndThePkiCallsCarryItsToken() {
        vault.approlePath = "edp-approle";
        vault.approleRoleId.set("0b1d1a5e-role-id");
        vault.approleSecretId.set("6f2c9a4b-secret-id");
        VaultCertificateAuthority ca = connect(
                new PkiProperties.Vault(URI.create(vault.url()), "approle", null, null, null, null,
                        new PkiProperties.AppRole("/edp-approle/", "0b1d1a5e-role-id", "6f2c9a4b-secret-id"), null));

        ca.issue(request());

        List<Call> logins = calls("/v1/auth/edp-approle/login");
        assertThat(logins).hasSize(1);
        assertThat(JsonPath.<String>read(logins.getFirst().body(), "$.role_id")).isEqualTo("0b1d1a5e-role-id");
        assertThat(JsonPath.<String>read(logins.getFirst().body(), "$.secret_id")).isEqualTo("6f2c9a4b-secret-id");
        assertThat(calls("/v1/pki/sign/edp-device")).extracting(Call::token)
            .containsExactly(vault.loginTokens.getFirst());
    }

    @Test
    void aWrongSecretIdStopsTheStartWithACaFailureThatDoesNotShowIt() {
        vault.approleRoleId.set("0b1d1a5e-role-id");
        vault.approleSecretId.set("6f2c9a4b-secret-id");

        assertThatExceptionOfType(CertificateAuthorityException.class)
            .isThrownBy(() -> connect(approle("0b1d1a5e-role-id", "not-the-secret-id")))
            .withMessageContaining("Vault could not read the CA chain")
            .withMessageContaining("AppRole")
            .withMessageNotContaining("not-the-secret-id");
        assertThat(calls("/v1/pki/ca_chain")).as("nothing is sent without a token").isEmpty();
    }

    @Test
    void aConfiguredTokenIsLookedUpRenewedAndNeverRevoked() {
        vault.tokenTtlSeconds = 4;
        VaultCertificateAuthority ca = connect(new PkiProperties.Vault(URI.create(vault.url()), "token",
                ReplayingVault.TOKEN, null, null, null, null, Duration.ofSeconds(1)));

        ca.issue(request());
        await().atMost(WAIT).until(() -> !calls("/v1/auth/token/renew-self").isEmpty());

        assertThat(calls("/v1/auth/token/lookup-self")).extracting(Call::token).contains(ReplayingVault.TOKEN);
        assertThat(calls("/v1/auth/token/renew-self")).extracting(Call::token).containsOnly(ReplayingVault.TOKEN);
        assertThat(vault.loginTokens).isEmpty();
        connection.close();
        connection = null;
        assertThat(calls("/v1/auth/token/revoke-self")).as("someone else's token").isEmpty();
        assertThat(vault.validTokens).contains(ReplayingVault.TOKEN);
    }

    @Test
    void incompleteLoginSettingsStopTheStartNamingWhatIsMissing() throws IOException {
        URI uri = URI.create(vault.url());
        Path file = tokenFile(jwt("first"));
        assertThatExceptionOfType(IllegalStateException.class)
            .isThrownBy(() -> VaultConnection.open(new PkiProperties.Vault(uri, "kubernetes", null, null, null,
                    new PkiProperties.Kubernetes(" ", null, file), null, null)))
            .withMessageContaining("EDP_VAULT_KUBERNETES_ROLE");
        assertThatExceptionOfType(IllegalStateException.class)
            .isThrownBy(() -> VaultConnection.open(kubernetes(dir.resolve("missing"), null)))
            .withMessageContaining("EDP_VAULT_KUBERNETES_TOKEN_FILE")
            .withMessageContaining("does not exist");
        assertThatExceptionOfType(IllegalStateException.class)
            .isThrownBy(() -> VaultConnection.open(approle("role", "")))
            .withMessageContaining("EDP_VAULT_APPROLE_SECRET_ID");
        assertThatExceptionOfType(IllegalStateException.class)
            .isThrownBy(() -> VaultConnection.open(approle(null, "secret")))
            .withMessageContaining("EDP_VAULT_APPROLE_ROLE_ID");
        assertThatExceptionOfType(IllegalStateException.class)
            .isThrownBy(() -> VaultConnection
                .open(new PkiProperties.Vault(uri, "userpass", null, null, null, null, null, null)))
            .withMessageContaining("edp.pki.vault.auth=userpass is not available");
        assertThat(vault.calls).as("no setting was sent anywhere").isEmpty();
    }

    @Test
    void anEmptyServiceAccountTokenFileIsACaFailure() throws IOException {
        Path file = tokenFile(jwt("first"));
        vault.kubernetesJwt.set(jwt("first"));
        Files.writeString(file, "\n");

        assertThatExceptionOfType(CertificateAuthorityException.class).isThrownBy(() -> connect(kubernetes(file, null)))
            .withMessageContaining("is empty");
        assertThat(calls("/v1/auth/kubernetes/login")).isEmpty();
    }

}
