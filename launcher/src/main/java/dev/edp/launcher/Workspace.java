package dev.edp.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where things live: the repository root (service jars are found relative to it) and the
 * {@code .edp} folder with the database files, logs and the pid/ready files of a running
 * platform.
 */
record Workspace(Path root, Path edpDir) {

    Workspace {
        root = root.toAbsolutePath().normalize();
        edpDir = edpDir == null ? root.resolve(".edp") : edpDir.toAbsolutePath().normalize();
    }

    Workspace(Path root) {
        this(root, null);
    }

    /**
     * A workspace whose state (data, logs, run files) lives elsewhere
     * ({@code EDP_STATE_DIR}).
     */
    Workspace withStateDir(Path stateDir) {
        return new Workspace(root, stateDir);
    }

    Path dataDir() {
        return edpDir().resolve("data");
    }

    Path logsDir() {
        return edpDir().resolve("logs");
    }

    Path runDir() {
        return edpDir().resolve("run");
    }

    Path pidFile(String name) {
        return runDir().resolve(name + ".pid");
    }

    Path logFile(String name) {
        return logsDir().resolve(name + ".log");
    }

    /**
     * Written after the table is printed; {@code ./edp up --detach} waits for it and
     * prints it.
     */
    Path readyFile() {
        return runDir().resolve("ready");
    }

    /** Lets {@code ./edp status} probe each service without knowing the ports itself. */
    Path endpointsFile() {
        return runDir().resolve("endpoints.tsv");
    }

    /**
     * Finds the repository root: {@code $EDP_HOME} if set, else from the launcher's own
     * jar ({@code <root>/launcher/target/launcher.jar}), else the working directory or
     * one of its parents.
     */
    static Workspace locate() {
        Workspace workspace = locateRoot();
        String state = System.getenv("EDP_STATE_DIR");
        return state == null || state.isBlank() ? workspace : workspace.withStateDir(Path.of(state));
    }

    /**
     * Secrets of this installation (Keycloak admin, client secrets, the first admin's
     * password).
     */
    Path secretsFile() {
        return edpDir().resolve("secrets.properties");
    }

    private static Workspace locateRoot() {
        String home = System.getenv("EDP_HOME");
        if (home != null && !home.isBlank()) {
            return new Workspace(Path.of(home));
        }
        return fromCodeLocation().or(() -> findUpwards(Path.of("").toAbsolutePath()))
            .map(Workspace::new)
            .orElseThrow(() -> new IllegalStateException(
                    "Cannot find the EDP repository root (a folder with pom.xml and launcher/). "
                            + "Run from inside the repository or set EDP_HOME."));
    }

    private static Optional<Path> fromCodeLocation() {
        try {
            Path code = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return findUpwards(code);
        }
        catch (URISyntaxException | SecurityException | NullPointerException | IllegalArgumentException ex) {
            return Optional.empty();
        }
    }

    static Optional<Path> findUpwards(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isRepositoryRoot(dir)) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static boolean isRepositoryRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("launcher"));
    }

    void createDirectories() throws IOException {
        Files.createDirectories(dataDir());
        Files.createDirectories(logsDir());
        Files.createDirectories(runDir());
    }
}
