package dev.edp.onboarding.ca;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.pki.*}: which CA provider runs, and how the embedded CA's keys are protected.
 *
 * @param provider the CA provider: {@code embedded} (default, the CA runs in this service) or
 * {@code vault} (HashiCorp Vault's PKI secrets engine, {@link VaultCertificateAuthority})
 * @param kek base64 of the 32-byte key-encryption key for the CA private keys ({@code EDP_PKI_KEK});
 * never stored in the database
 * @param kekDevGenerate local development and tests only: without {@code kek}, create a random KEK
 * once and keep it in {@code kekDevFile}; otherwise the service refuses to start without a KEK
 * @param kekDevFile where a development KEK is kept (owner-only file)
 * @param caName prefix of the generated CA names
 * @param crlDistributionPoint optional URL written into device certificates
 * @param certificateValidity validity of device certificates
 * @param crlValidity how long a published CRL is valid (its nextUpdate)
 * @param importKeyFile with {@code importChainFile}: import this CA (PEM private key of the
 * issuing CA) at the first start instead of generating one
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
        vault = vault == null ? new Vault(null, null, null, null) : vault;
    }

    /**
     * {@code edp.pki.vault.*}.
     * @param uri Vault's address, e.g. {@code https://vault:8200} ({@code EDP_VAULT_URI})
     * @param token the Vault token, from a secret store ({@code EDP_VAULT_TOKEN}); it needs
     * {@code update} on {@code <mount>/sign/<role>} and {@code <mount>/revoke}, {@code read} on
     * {@code <mount>/ca_chain}, {@code <mount>/crl/pem} and {@code <mount>/crl/rotate}
     * @param mount the PKI secrets engine's mount path (default {@code pki})
     * @param role the role device certificates are signed with (default {@code edp-device})
     */
    public record Vault(URI uri, String token, String mount, String role) {

        public Vault {
            uri = uri == null ? URI.create("http://localhost:8200") : uri;
            mount = mount == null || mount.isBlank() ? "pki" : mount.replaceAll("^/+|/+$", "");
            role = role == null || role.isBlank() ? "edp-device" : role;
        }

        @Override
        public String toString() {
            return "Vault[uri=" + uri + ", mount=" + mount + ", role=" + role + "]";
        }
    }
}
