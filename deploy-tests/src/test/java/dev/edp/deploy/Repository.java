package dev.edp.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository checkout the deployment files live in (Surefire passes it as
 * {@code edp.repository.root}).
 */
final class Repository {

    private Repository() {
    }

    static Path root() {
        String configured = System.getProperty("edp.repository.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("docker-compose.yml"))) {
            throw new IllegalStateException("Not the EDP repository root (no docker-compose.yml): " + root);
        }
        return root;
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

}
