package dev.edp.onboarding.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import dev.edp.onboarding.pki.CaKeyProtector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the CA key-encryption key from configuration; refuses to guess in production.
 */
final class KeyEncryptionKeys {

    private static final Logger log = LoggerFactory.getLogger(KeyEncryptionKeys.class);

    private KeyEncryptionKeys() {
    }

    static CaKeyProtector protector(PkiProperties properties) {
        if (properties.kek() != null && !properties.kek().isBlank()) {
            try {
                return CaKeyProtector.fromBase64(properties.kek());
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalStateException("edp.pki.kek (EDP_PKI_KEK) is unusable: " + ex.getMessage()
                        + ". It must be base64 of 32 random bytes, e.g. `openssl rand -base64 32`.");
            }
        }
        if (!properties.kekDevGenerate()) {
            throw new IllegalStateException("No CA key-encryption key: set EDP_PKI_KEK (edp.pki.kek) to base64 of 32 "
                    + "random bytes (`openssl rand -base64 32`), kept in a secret store. Only for local development: "
                    + "edp.pki.kek-dev-generate=true (EDP_PKI_KEK_DEV_GENERATE) keeps a generated key in a local file.");
        }
        return CaKeyProtector.fromBase64(devKek(properties.kekDevFile()));
    }

    private static synchronized String devKek(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).strip();
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String encoded = Base64.getEncoder().encodeToString(key);
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "kek", ".tmp");
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            catch (UnsupportedOperationException ex) {
                // Not a POSIX file system; the file is still only for development.
            }
            Files.writeString(temp, encoded, StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            catch (IOException ex) {
                Files.deleteIfExists(temp);
                if (!Files.exists(file)) {
                    throw ex;
                }
            }
            log.warn(
                    "Generated a DEVELOPMENT CA key-encryption key in {} (edp.pki.kek-dev-generate=true). "
                            + "Never use this outside local development: set EDP_PKI_KEK instead.",
                    file.toAbsolutePath());
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot read or create the development KEK file " + file.toAbsolutePath(),
                    ex);
        }
    }

}
