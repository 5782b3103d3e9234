package dev.edp.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The {@code org.keycloak:keycloak-quarkus-dist} zip and its unpacked copy.
 *
 * <p>
 * The build declares the zip as a dependency, so Maven downloads it into the local
 * repository of every module that uses this library. {@link #locate()} finds it there (or
 * where {@value #ZIP_PROPERTY} / {@value #ZIP_VARIABLE} points); the version comes from a
 * resource the build writes, so it always matches the {@code keycloak.version} of the
 * build.
 */
public final class KeycloakDistribution {

    /** System property naming the distribution zip; wins over every other source. */
    public static final String ZIP_PROPERTY = "edp.keycloak.dist";

    /**
     * Environment variable naming the distribution zip, used when the property is unset.
     */
    public static final String ZIP_VARIABLE = "EDP_KEYCLOAK_DIST";

    static final String MARKER = ".edp-unpacked";

    private static final String VERSION_RESOURCE = "/dev/edp/keycloak/keycloak-runner.properties";

    private final Path zip;

    private final String version;

    private KeycloakDistribution(Path zip, String version) {
        this.zip = Objects.requireNonNull(zip, "zip");
        this.version = Objects.requireNonNull(version, "version");
    }

    /**
     * A distribution from a given zip.
     * @param zip the {@code keycloak-quarkus-dist} zip; its top-level directory must be
     * {@code keycloak-<version>}
     * @param version the Keycloak version in the zip
     * @return the distribution
     */
    public static KeycloakDistribution of(Path zip, String version) {
        return new KeycloakDistribution(zip, version);
    }

    /**
     * Finds the zip of the Keycloak version this library was built with: the
     * {@value #ZIP_PROPERTY} system property, else the {@value #ZIP_VARIABLE} environment
     * variable, else the local Maven repository ({@code maven.repo.local} or
     * {@code ~/.m2/repository}).
     * @return the distribution
     * @throws IllegalStateException if the zip is nowhere to be found, with the command
     * that fetches it
     */
    public static KeycloakDistribution locate() {
        Properties build = buildProperties();
        String version = build.getProperty("keycloak.version");
        String groupId = build.getProperty("keycloak.groupId");
        String artifactId = build.getProperty("keycloak.artifactId");
        String configured = System.getProperty(ZIP_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ZIP_VARIABLE);
        }
        if (configured != null && !configured.isBlank()) {
            Path zip = Path.of(configured);
            if (!Files.isRegularFile(zip)) {
                throw new IllegalStateException("Keycloak distribution " + zip + " (from " + ZIP_PROPERTY + "/"
                        + ZIP_VARIABLE + ") does not exist");
            }
            return new KeycloakDistribution(zip, version);
        }
        String repository = System.getProperty("maven.repo.local");
        Path repo = (repository != null && !repository.isBlank()) ? Path.of(repository)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path zip = repo.resolve(groupId.replace('.', '/'))
            .resolve(artifactId)
            .resolve(version)
            .resolve(artifactId + "-" + version + ".zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("Keycloak " + version + " distribution not found at " + zip
                    + ". Fetch it with: ./mvnw dependency:get -Dartifact=" + groupId + ":" + artifactId + ":" + version
                    + ":zip (or set " + ZIP_PROPERTY + " / " + ZIP_VARIABLE + ")");
        }
        return new KeycloakDistribution(zip, version);
    }

    /**
     * The Keycloak version this library was built and tested with.
     * @return e.g. {@code 26.4.5}
     */
    public static String builtWithVersion() {
        return buildProperties().getProperty("keycloak.version");
    }

    /**
     * The zip file.
     * @return its path
     */
    public Path zip() {
        return this.zip;
    }

    /**
     * The Keycloak version.
     * @return e.g. {@code 26.4.5}
     */
    public String version() {
        return this.version;
    }

    /**
     * Unpacks the distribution into {@code <workDir>/keycloak-<version>} unless that was
     * already done completely, and makes the {@code bin/*.sh} scripts executable. An
     * interrupted unpack (no completion marker) is thrown away and redone. Data in an
     * existing copy is kept.
     * @param workDir the directory to unpack into; created if missing
     * @return the Keycloak home directory (the one holding {@code bin/kc.sh})
     */
    public Path unpack(Path workDir) {
        Path home = workDir.toAbsolutePath().normalize().resolve("keycloak-" + this.version);
        Path marker = home.resolve(MARKER);
        try {
            if (Files.isRegularFile(marker) && Files.readString(marker).strip().equals(this.version)) {
                makeScriptsExecutable(home);
                return home;
            }
            if (Files.exists(home)) {
                deleteRecursively(home);
            }
            Files.createDirectories(workDir);
            extract(this.zip, workDir.toAbsolutePath().normalize());
            if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
                throw new IllegalStateException(this.zip + " did not contain keycloak-" + this.version
                        + "/bin/kc.sh: is it the right version?");
            }
            makeScriptsExecutable(home);
            // Written last: its presence means the unpack finished.
            Files.writeString(marker, this.version + System.lineSeparator());
            return home;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not unpack " + this.zip + " into " + workDir, ex);
        }
    }

    private static void extract(Path zip, Path target) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path destination = target.resolve(entry.getName()).normalize();
                if (!destination.startsWith(target)) {
                    throw new IOException("Zip entry " + entry.getName() + " points outside " + target);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                    continue;
                }
                Files.createDirectories(destination.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void makeScriptsExecutable(Path home) throws IOException {
        Path bin = home.resolve("bin");
        if (!Files.isDirectory(bin)) {
            return;
        }
        try (Stream<Path> scripts = Files.list(bin)) {
            for (Path script : scripts.filter((path) -> path.getFileName().toString().endsWith(".sh")).toList()) {
                Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(script));
                permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE));
                Files.setPosixFilePermissions(script, permissions);
            }
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = KeycloakDistribution.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(VERSION_RESOURCE + " is missing: was keycloak-runner built by Maven?");
            }
            properties.load(in);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return properties;
    }

    @Override
    public String toString() {
        return "Keycloak " + this.version + " (" + this.zip + ")";
    }

}
