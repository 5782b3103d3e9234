package dev.edp.onboarding.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real {@code openssl} CLI in a directory; the tests' independent second
 * opinion.
 */
final class OpenSsl {

    static final Path BINARY = Path.of("/usr/bin/openssl");

    record Result(int exitCode, String output) {
    }

    private final Path dir;

    OpenSsl(Path dir) {
        assertThat(BINARY).as("the tests need the openssl CLI").isExecutable();
        this.dir = dir;
    }

    Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(this.dir.toFile())
                .redirectErrorStream(true)
                .start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("openssl finished").isTrue();
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Runs and requires success. */
    String ok(String... args) {
        Result result = run(args);
        assertThat(result.exitCode()).as("openssl %s:%n%s", String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    /**
     * A CSR made by {@code openssl req -new -newkey <keyArgs> -nodes ...}; the key goes
     * to {@code <name>.key}, the CSR to {@code <name>.csr}. Returns the CSR PEM.
     */
    String csr(String name, String subject, List<String> keyArgs, String... extra) {
        List<String> args = new ArrayList<>(
                List.of("req", "-new", "-nodes", "-subj", subject, "-keyout", name + ".key", "-out", name + ".csr"));
        args.addAll(keyArgs);
        args.addAll(List.of(extra));
        ok(args.toArray(String[]::new));
        return read(name + ".csr");
    }

    String read(String file) {
        try {
            return Files.readString(this.dir.resolve(file));
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    byte[] readBytes(String file) {
        try {
            return Files.readAllBytes(this.dir.resolve(file));
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    Path write(String file, String content) {
        try {
            return Files.writeString(this.dir.resolve(file), content);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    Path write(String file, byte[] content) {
        try {
            return Files.write(this.dir.resolve(file), content);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static List<String> ec(String curve) {
        return List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + curve);
    }

    static List<String> rsa(int bits) {
        return List.of("-newkey", "rsa:" + bits);
    }

    static List<String> key(String algorithm) {
        return List.of("-newkey", algorithm);
    }

}
