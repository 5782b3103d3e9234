package dev.edp.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The secrets of one local installation, in {@code .edp/secrets.properties} (readable by
 * its owner only): generated at the first {@code ./edp up} and reused afterwards, because
 * Keycloak keeps its admin and client secrets in the database, which outlives a restart.
 * Never in git ({@code .edp/} is ignored).
 */
final class LocalSecrets {

    private final Path file;

    private final Properties values = new Properties();

    private LocalSecrets(Path file) {
        this.file = file;
    }

    static LocalSecrets load(Path file) throws IOException {
        LocalSecrets secrets = new LocalSecrets(file);
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                secrets.values.load(reader);
            }
        }
        return secrets;
    }

    /** The stored value, or a new one that is stored at once. */
    String getOrCreate(String key, Supplier<String> generator) throws IOException {
        String value = values.getProperty(key);
        if (value == null || value.isBlank()) {
            value = generator.get();
            values.setProperty(key, value);
            save();
        }
        return value;
    }

    /**
     * @return 32 random bytes, base64: a key-encryption key (onboarding wraps its CA
     * keys, monitoring the webhook secrets with one)
     */
    static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        catch (UnsupportedOperationException ex) {
            Files.createFile(temp);
        }
        try (Writer writer = Files.newBufferedWriter(temp)) {
            values.store(writer, "EDP local secrets: keep private, never commit");
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

}
