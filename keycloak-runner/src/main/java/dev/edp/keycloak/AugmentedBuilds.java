package dev.edp.keycloak;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Keycloak's augmented builds, kept once per machine so that a fresh copy of the
 * distribution does not augment again.
 *
 * <p>
 * Keycloak is a Quarkus application: when its build-time options (the database kind,
 * health, the profile of {@code start-dev}) differ from those it was last built with,
 * {@code kc.sh} first re-augments the distribution. That writes the four files of
 * {@code lib/quarkus} and nothing else, and takes 9 s on an idle 2-core machine and 58 to
 * 76 s while the platform's services start beside it (measured in the system tests, which
 * start four platforms, each in a fresh directory). This keeps those files per Keycloak
 * version, build options and JDK, and copies them into a fresh copy before it starts.
 * Keycloak itself still compares the options it is started with against the ones the
 * copied build records, and augments again on any difference, so a stale or foreign entry
 * costs time, never correctness.
 *
 * <p>
 * An entry is written to a temporary directory and renamed into place, never changed
 * afterwards, so processes sharing the directory see either no entry or a whole one. A
 * directory that cannot be read or written only costs the augmentation: this is an
 * optimisation and never fails a start.
 */
final class AugmentedBuilds {

    /** System property naming the directory; {@code off} disables it. */
    static final String DIRECTORY_PROPERTY = "edp.keycloak.augmented-builds";

    /** Environment variable naming the directory, used when the property is unset. */
    static final String DIRECTORY_VARIABLE = "EDP_KEYCLOAK_AUGMENTED_BUILDS";

    static final String DISABLED = "off";

    private static final String QUARKUS = "lib/quarkus";

    private static final String COMPLETE = ".complete";

    private final Path directory;

    private AugmentedBuilds(Path directory) {
        this.directory = directory;
    }

    /**
     * The machine's directory: the property, else the variable, else
     * {@code $XDG_CACHE_HOME/edp/keycloak-augmented} ({@code ~/.cache} when unset).
     * @return the builds, or {@code null} when switched off
     */
    static AugmentedBuilds locate() {
        String configured = Objects.requireNonNullElse(System.getProperty(DIRECTORY_PROPERTY),
                Objects.requireNonNullElse(System.getenv(DIRECTORY_VARIABLE), ""));
        if (configured.equalsIgnoreCase(DISABLED)) {
            return null;
        }
        if (!configured.isBlank()) {
            return in(Path.of(configured));
        }
        String cacheHome = System.getenv("XDG_CACHE_HOME");
        Path cache = (cacheHome != null && !cacheHome.isBlank()) ? Path.of(cacheHome)
                : Path.of(System.getProperty("user.home"), ".cache");
        return in(cache.resolve("edp").resolve("keycloak-augmented"));
    }

    static AugmentedBuilds in(Path directory) {
        return new AugmentedBuilds(directory.toAbsolutePath().normalize());
    }

    Path directory() {
        return this.directory;
    }

    /**
     * The name of a build: what decides what augmentation writes.
     * @param version the Keycloak version
     * @param buildOptions the build-time options {@code kc.sh} is started with
     * @param javaFeatureVersion the JDK Keycloak runs on
     * @return a directory name
     */
    static String key(String version, List<String> buildOptions, int javaFeatureVersion) {
        String options = String.join(" ", buildOptions);
        return version + "-jdk" + javaFeatureVersion + "-" + Integer.toHexString(options.hashCode() & 0x7fffffff) + "-"
                + options.replaceAll("[^A-Za-z0-9=-]+", "_").replace("--", "");
    }

    /**
     * Copies the build into a Keycloak home, if there is one and the home holds another.
     * @param home the unpacked distribution
     * @param key the build's {@link #key name}
     * @return whether a file was copied
     */
    boolean restore(Path home, String key) {
        Path entry = this.directory.resolve(key);
        if (!Files.isRegularFile(entry.resolve(COMPLETE))) {
            return false;
        }
        try (Stream<Path> files = Files.list(entry)) {
            boolean copied = false;
            for (Path file : files.filter((file) -> !file.getFileName().toString().equals(COMPLETE)).toList()) {
                Path target = home.resolve(QUARKUS).resolve(file.getFileName());
                if (!Files.isRegularFile(target) || Files.mismatch(file, target) != -1) {
                    // A new file, not written over: a Keycloak still running from this
                    // home keeps reading the one it opened.
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    copied = true;
                }
            }
            return copied;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /**
     * Keeps the build of a Keycloak home that started, unless one is kept already.
     * @param home the unpacked distribution, after Keycloak was ready
     * @param key the build's {@link #key name}
     * @return whether it was kept now
     */
    boolean save(Path home, String key) {
        Path entry = this.directory.resolve(key);
        if (Files.isRegularFile(entry.resolve(COMPLETE))) {
            return false;
        }
        Path temporary = this.directory.resolve(".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(temporary);
            try (Stream<Path> files = Files.list(home.resolve(QUARKUS))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, temporary.resolve(file.getFileName()));
                }
            }
            Files.writeString(temporary.resolve(COMPLETE), key + System.lineSeparator());
            Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
        catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException ex) {
            // Another process kept the same build first, or the file system cannot rename
            // atomically: without a whole entry there is none.
            return false;
        }
        catch (IOException ex) {
            return false;
        }
        finally {
            try {
                if (Files.exists(temporary)) {
                    KeycloakDistribution.deleteRecursively(temporary);
                }
            }
            catch (IOException ex) {
                // A leftover temporary directory is never read.
            }
        }
    }

}
