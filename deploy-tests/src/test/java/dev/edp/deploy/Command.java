package dev.edp.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real program (docker-compose, promtool, pg_dump, the deployment scripts) and
 * keeps what it printed. A program that is missing fails the test with the package that
 * provides it: these tests never skip.
 */
final class Command {

    /**
     * @param exitCode the program's exit code
     * @param output standard output and standard error, interleaved
     */
    record Result(int exitCode, String output) {

        Result assertSuccess(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed with exit code " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    private Command() {
    }

    static Result run(List<String> command, Path directory, Map<String, String> environment, Duration timeout) {
        try {
            Path log = Files.createTempFile("edp-command", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            }
            finally {
                Files.deleteIfExists(log);
            }
        }
        catch (IOException ex) {
            throw new AssertionError("Cannot run " + String.join(" ", command) + ": " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while running " + command.getFirst(), ex);
        }
    }

    static Result run(List<String> command, Duration timeout) {
        return run(command, Repository.root(), Map.of(), timeout);
    }

    /**
     * @param program the executable's name
     * @param provider what installs it (named in the failure)
     * @return the program's path on {@code PATH}
     */
    static String require(String program, String provider) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(program + " is not installed; it comes with " + provider
                + " (.ci/run installs it: apt-get install -y " + provider + ")");
    }

}
