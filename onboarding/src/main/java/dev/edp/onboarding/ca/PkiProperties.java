package dev.edp.onboarding.ca;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.pki.*}: which CA provider runs, and how the embedded CA's keys are protected.
 *
 * @param provider the CA provider; only {@code embedded} exists (a Vault PKI provider is planned
 * behind the same {@link dev.edp.onboarding.pki.CertificateAuthority} interface)
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
 */
@ConfigurationProperties("edp.pki")
public record PkiProperties(String provider, String kek, boolean kekDevGenerate, Path kekDevFile, String caName,
        URI crlDistributionPoint, Duration certificateValidity, Duration crlValidity, Path importKeyFile,
        Path importChainFile) {

    public PkiProperties {
        provider = provider == null ? "embedded" : provider;
        kekDevFile = kekDevFile == null ? Path.of(".edp", "onboarding-dev.kek") : kekDevFile;
        caName = caName == null ? "EDP" : caName;
        certificateValidity = certificateValidity == null ? Duration.ofDays(30) : certificateValidity;
        crlValidity = crlValidity == null ? Duration.ofDays(1) : crlValidity;
    }
}
