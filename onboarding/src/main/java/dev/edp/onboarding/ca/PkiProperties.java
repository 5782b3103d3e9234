package dev.edp.onboarding.ca;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.pki.*}: which CA provider runs, and how the embedded CA's keys are
 * protected.
 *
 * @param provider the CA provider: {@code embedded} (default, the CA runs in this
 * service) or {@code vault} (HashiCorp Vault's PKI secrets engine,
 * {@link VaultCertificateAuthority})
 * @param kek base64 of the 32-byte key-encryption key for the CA private keys
 * ({@code EDP_PKI_KEK}); never stored in the database
 * @param kekDevGenerate local development and tests only: without {@code kek}, create a
 * random KEK once and keep it in {@code kekDevFile}; otherwise the service refuses to
 * start without a KEK
 * @param kekDevFile where a development KEK is kept (owner-only file)
 * @param caName prefix of the generated CA names
 * @param crlDistributionPoint optional URL written into device certificates
 * @param certificateValidity validity of device certificates
 * @param crlValidity how long a published CRL is valid (its nextUpdate)
 * @param importKeyFile with {@code importChainFile}: import this CA (PEM private key of
 * the issuing CA) at the first start instead of generating one
 * @param importChainFile the PEM chain of the imported CA, issuing CA first, root last
 * @param vault where the Vault PKI secrets engine is, for {@code provider=vault}
 */
@ConfigurationProperties("edp.pki")
public record PkiProperties(String provider, String kek, boolean kekDevGenerate, Path kekDevFile, String caName,
        URI crlDistributionPoint, Duration certificateValidity, Duration crlValidity, Path importKeyFile,
        Path importChainFile, Vault vault) {

    public PkiProperties {
        provider = provider == null ? "embedded" : provider;
        kekDevFile = kekDevFile == null ? Path.of(".edp", "onboarding-dev.kek") : kekDevFile;
        caName = caName == null ? "EDP" : caName;
        certificateValidity = certificateValidity == null ? Duration.ofDays(30) : certificateValidity;
        crlValidity = crlValidity == null ? Duration.ofDays(1) : crlValidity;
        vault = vault == null ? new Vault(null, null, null, null, null, null, null, null) : vault;
    }

    /**
     * {@code edp.pki.vault.*}.
     *
     * @param uri Vault's address, e.g. {@code https://vault:8200} ({@code EDP_VAULT_URI})
     * @param auth how onboarding logs in to Vault ({@code EDP_VAULT_AUTH}): {@code token}
     * (default, a token from a secret store), {@code kubernetes} (the pod's service
     * account token) or {@code approle}; the token a login returns is renewed before it
     * expires, and a refused renewal leads to a new login
     * @param token {@code auth=token}: the Vault token ({@code EDP_VAULT_TOKEN}); its
     * policy needs {@code update} on {@code <mount>/sign/<role>} and
     * {@code <mount>/revoke}, {@code read} on {@code <mount>/ca_chain},
     * {@code <mount>/crl/pem} and {@code <mount>/crl/rotate} (the same policy as the role
     * of the other methods)
     * @param mount the PKI secrets engine's mount path (default {@code pki})
     * @param role the role device certificates are signed with (default
     * {@code edp-device})
     * @param kubernetes {@code auth=kubernetes}
     * @param approle {@code auth=approle}
     * @param renewBeforeExpiry how long before its expiry a login token is renewed
     * (default 1 min); a renewed token with less than this (plus 2 s) left is dropped,
     * and the next call logs in again
     */
    public record Vault(URI uri, String auth, String token, String mount, String role, Kubernetes kubernetes,
            AppRole approle, Duration renewBeforeExpiry) {

        public Vault {
            uri = uri == null ? URI.create("http://localhost:8200") : uri;
            auth = auth == null || auth.isBlank() ? "token" : auth.strip().toLowerCase(Locale.ROOT);
            mount = mount == null || mount.isBlank() ? "pki" : trimSlashes(mount);
            role = role == null || role.isBlank() ? "edp-device" : role;
            kubernetes = kubernetes == null ? new Kubernetes(null, null, null) : kubernetes;
            approle = approle == null ? new AppRole(null, null, null) : approle;
            renewBeforeExpiry = renewBeforeExpiry == null ? Duration.ofMinutes(1) : renewBeforeExpiry;
        }

        /** Token authentication with the defaults otherwise. */
        public static Vault withToken(URI uri, String token) {
            return new Vault(uri, "token", token, null, null, null, null, null);
        }

        @Override
        public String toString() {
            return "Vault[uri=" + uri + ", auth=" + auth + ", mount=" + mount + ", role=" + role + "]";
        }
    }

    /**
     * {@code edp.pki.vault.kubernetes.*}: Vault's Kubernetes auth method.
     *
     * @param role the Vault role bound to onboarding's service account
     * ({@code EDP_VAULT_KUBERNETES_ROLE})
     * @param path the auth method's mount path (default {@code kubernetes};
     * {@code EDP_VAULT_KUBERNETES_PATH})
     * @param tokenFile the service account token (JWT) file, read again at every login
     * because the kubelet replaces a projected token before it expires
     * ({@code EDP_VAULT_KUBERNETES_TOKEN_FILE}; default
     * {@code /var/run/secrets/kubernetes.io/serviceaccount/token}; the Helm chart
     * projects a token with audience {@code vault} to
     * {@code /var/run/secrets/edp/vault/token})
     */
    public record Kubernetes(String role, String path, Path tokenFile) {

        public Kubernetes {
            path = path == null || path.isBlank() ? "kubernetes" : trimSlashes(path);
            tokenFile = tokenFile == null ? Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token") : tokenFile;
        }
    }

    /**
     * {@code edp.pki.vault.approle.*}: Vault's AppRole auth method.
     *
     * @param path the auth method's mount path (default {@code approle};
     * {@code EDP_VAULT_APPROLE_PATH})
     * @param roleId the role id ({@code EDP_VAULT_APPROLE_ROLE_ID})
     * @param secretId the secret id, from a secret store
     * ({@code EDP_VAULT_APPROLE_SECRET_ID})
     */
    public record AppRole(String path, String roleId, String secretId) {

        public AppRole {
            path = path == null || path.isBlank() ? "approle" : trimSlashes(path);
        }

        @Override
        public String toString() {
            return "AppRole[path=" + path + ", roleId=" + roleId + "]";
        }
    }

    private static String trimSlashes(String path) {
        return path.strip().replaceAll("^/+|/+$", "");
    }
}
