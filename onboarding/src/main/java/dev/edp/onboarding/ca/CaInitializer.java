package dev.edp.onboarding.ca;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import dev.edp.onboarding.pki.CaKeyProtector;
import dev.edp.onboarding.pki.CaMaterial;
import dev.edp.onboarding.pki.CertificateAuthorityException;
import dev.edp.onboarding.pki.EmbeddedCaSettings;
import dev.edp.onboarding.pki.EmbeddedCertificateAuthority;
import dev.edp.onboarding.pki.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Loads the embedded CA from the database, or creates it exactly once: the whole
 * check-then-create runs under a transaction-scoped PostgreSQL advisory lock per CA slot,
 * so two replicas starting together end up with the same CA (the second waits, then loads
 * the first's).
 */
public class CaInitializer {

    private static final Logger log = LoggerFactory.getLogger(CaInitializer.class);

    /** What to import instead of generating, as PEM texts. */
    public record ImportSource(String privateKeyPem, String chainPem) {
    }

    private final JdbcClient jdbc;

    private final TransactionTemplate transactions;

    private final CaKeyProtector protector;

    private final EmbeddedCaSettings settings;

    public CaInitializer(JdbcClient jdbc, TransactionTemplate transactions, CaKeyProtector protector,
            EmbeddedCaSettings settings) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.protector = protector;
        this.settings = settings;
    }

    /**
     * @param slot the CA's row ({@code default} in production)
     * @param importSource a CA to import if the slot is empty; if the slot holds another
     * CA, start fails
     * @return the usable CA
     */
    public EmbeddedCertificateAuthority initialize(String slot, Optional<ImportSource> importSource) {
        return transactions.execute(status -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(:key))")
                .param("key", "edp-onboarding-ca:" + slot)
                .query((row, i) -> 1)
                .single();
            Optional<CaMaterial> existing = jdbc
                .sql("SELECT chain_pem, issuing_key, root_key FROM ca_material WHERE id = :id")
                .param("id", slot)
                .query((row, i) -> CaMaterial.of(row.getString(1), row.getBytes(2), row.getBytes(3)))
                .optional();
            if (existing.isPresent()) {
                EmbeddedCertificateAuthority ca = load(existing.get());
                importSource.ifPresent(source -> {
                    if (!existing.get().chain().equals(Pem.readCertificates(source.chainPem()))) {
                        throw new IllegalStateException("edp.pki.import-* names a CA, but the database already holds "
                                + "another one (" + ca + "). Import happens only into an empty database; remove the "
                                + "import settings to keep the existing CA.");
                    }
                });
                return ca;
            }
            EmbeddedCertificateAuthority ca;
            String source;
            if (importSource.isPresent()) {
                ca = EmbeddedCertificateAuthority.importPem(importSource.get().privateKeyPem(),
                        importSource.get().chainPem(), protector, settings);
                source = "IMPORTED";
            }
            else {
                ca = EmbeddedCertificateAuthority.generate(protector, settings);
                source = "GENERATED";
            }
            CaMaterial material = ca.material();
            jdbc.sql("""
                    INSERT INTO ca_material (id, chain_pem, issuing_key, root_key, source, created_at)
                    VALUES (:id, :chain, :issuingKey, :rootKey, :source, :createdAt)""")
                .param("id", slot)
                .param("chain", material.chainPem())
                .param("issuingKey", material.protectedIssuingKey())
                .param("rootKey", material.protectedRootKey(), java.sql.Types.BINARY)
                .param("source", source)
                .param("createdAt", Timestamp.from(Instant.now()))
                .update();
            log.info("Created the onboarding CA ({}): {}", source.toLowerCase(), ca);
            return ca;
        });
    }

    private EmbeddedCertificateAuthority load(CaMaterial material) {
        try {
            return EmbeddedCertificateAuthority.load(material, protector, settings);
        }
        catch (CertificateAuthorityException ex) {
            throw new IllegalStateException("The CA stored in the database cannot be used: " + ex.getMessage()
                    + " (is EDP_PKI_KEK the key it was created with?)", ex);
        }
    }

    /** Reads the import files named by the properties, if both are set. */
    static Optional<ImportSource> importSource(PkiProperties properties) {
        if (properties.importKeyFile() == null && properties.importChainFile() == null) {
            return Optional.empty();
        }
        if (properties.importKeyFile() == null || properties.importChainFile() == null) {
            throw new IllegalStateException(
                    "Set both edp.pki.import-key-file and edp.pki.import-chain-file to import a CA");
        }
        try {
            return Optional.of(new ImportSource(Files.readString(properties.importKeyFile()),
                    Files.readString(properties.importChainFile())));
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot read the CA import files: " + ex.getMessage(), ex);
        }
    }

}
