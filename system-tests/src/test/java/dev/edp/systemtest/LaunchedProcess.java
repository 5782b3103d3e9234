package dev.edp.systemtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process of a test's own platform as the launcher started it: command line,
 * environment and working directory, read from Linux's {@code /proc} while it runs. A
 * fault test kills it and starts it again the same way (a restart), or starts another one
 * beside it with other ports (a second instance, or the service moved to another
 * address).
 *
 * @param pid the process read
 * @param command its command line
 * @param environment its whole environment
 * @param directory its working directory
 */
record LaunchedProcess(long pid, List<String> command, Map<String, String> environment, Path directory) {

    /**
     * @param pid a running process of this user
     * @return how it was started
     */
    static LaunchedProcess of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        List<String> command = nulSeparated(Files.readAllBytes(proc.resolve("cmdline")));
        Map<String, String> environment = new LinkedHashMap<>();
        for (String entry : nulSeparated(Files.readAllBytes(proc.resolve("environ")))) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                environment.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        return new LaunchedProcess(pid, command, environment, Files.readSymbolicLink(proc.resolve("cwd")));
    }

    private static List<String> nulSeparated(byte[] bytes) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                parts.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            parts.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return parts;
    }

    /**
     * Kills the process and its children at once (SIGKILL: no shutdown hook, no
     * deregistration) and waits until they are gone.
     */
    void kill() throws InterruptedException {
        end(true);
    }

    /**
     * Stops the process and its children as a deployment does (SIGTERM) and waits until
     * they are gone.
     */
    void stop() throws InterruptedException {
        end(false);
    }

    private void end(boolean forcibly) throws InterruptedException {
        ProcessHandle process = ProcessHandle.of(pid).orElse(null);
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process);
        for (ProcessHandle each : all) {
            if (forcibly) {
                each.destroyForcibly();
            }
            else {
                each.destroy();
            }
        }
        Await.until("process " + pid + " gone", Duration.ofSeconds(60),
                () -> all.stream().noneMatch(ProcessHandle::isAlive));
    }

    /**
     * Starts the same command again, with the same environment but for the changes.
     * @param changes environment variables set (ports, for an instance beside this one)
     * @param log where its output goes (appended)
     * @return the new process; the caller stops it
     */
    Process startAgain(Map<String, String> changes, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().putAll(changes);
        return builder.start();
    }

}
