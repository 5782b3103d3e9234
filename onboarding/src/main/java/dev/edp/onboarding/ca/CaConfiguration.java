package dev.edp.onboarding.ca;

import java.time.Clock;

import dev.edp.onboarding.pki.CaKeyProtector;
import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.EmbeddedCaSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the CA provider named by {@code edp.pki.provider}; the service fails to start if
 * it cannot.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PkiProperties.class)
class CaConfiguration {

    /** The slot of the CA the service uses. */
    static final String DEFAULT_SLOT = "default";

    // Lazy: only the embedded provider needs them (and a KEK); the Vault provider keeps
    // its keys in Vault.
    @Bean
    @Lazy
    CaKeyProtector caKeyProtector(PkiProperties properties) {
        return KeyEncryptionKeys.protector(properties);
    }

    @Bean
    @Lazy
    CaInitializer caInitializer(JdbcClient jdbc, TransactionTemplate transactions, CaKeyProtector protector,
            PkiProperties properties) {
        return new CaInitializer(jdbc, transactions, protector,
                new EmbeddedCaSettings(properties.caName(), properties.crlDistributionPoint(), Clock.systemUTC()));
    }

    // Lazy: only the Vault provider logs in to Vault; closing it stops the renewal and
    // revokes the login token.
    @Bean
    @Lazy
    VaultConnection vaultConnection(PkiProperties properties) {
        return VaultConnection.open(properties.vault());
    }

    @Bean
    CertificateAuthority certificateAuthority(PkiProperties properties, ObjectProvider<CaInitializer> initializer,
            ObjectProvider<VaultConnection> vault) {
        return switch (properties.provider()) {
            case "embedded" -> initializer.getObject().initialize(DEFAULT_SLOT, CaInitializer.importSource(properties));
            case "vault" -> new VaultCertificateAuthority(vault.getObject().operations(), vault.getObject()::dropToken,
                    properties.vault().mount(), properties.vault().role(), Clock.systemUTC());
            default -> throw new IllegalStateException(
                    "edp.pki.provider=" + properties.provider() + " is not available; use 'embedded' or 'vault'");
        };
    }

}
