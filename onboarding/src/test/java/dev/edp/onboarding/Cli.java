package dev.edp.onboarding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real openssl CLI in a directory: makes device keys and CSRs, and verifies what the
 * service returns.
 */
public final class Cli {

    public record Result(int exitCode, String output) {
    }

    private final Path dir;

    public Cli(Path dir) {
        this.dir = dir;
    }

    public Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        }
        catch (IOException | InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public String ok(String... args) {
        Result result = run(args);
        assertThat(result.exitCode()).as("openssl %s:%n%s", String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    /**
     * A fresh key and CSR ({@code <name>.key}, {@code <name>.csr}); returns the CSR PEM.
     */
    public String csr(String name, String... keyArgs) {
        List<String> args = new ArrayList<>(List.of("req", "-new", "-nodes", "-subj", "/CN=" + name, "-keyout",
                name + ".key", "-out", name + ".csr"));
        args.addAll(keyArgs.length == 0 ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256")
                : List.of(keyArgs));
        ok(args.toArray(String[]::new));
        return read(name + ".csr");
    }

    public String read(String file) {
        try {
            return Files.readString(dir.resolve(file));
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public Path write(String file, byte[] content) {
        try {
            return Files.write(dir.resolve(file), content);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public Path write(String file, String content) {
        return write(file, content.getBytes(StandardCharsets.UTF_8));
    }

}
