package dev.edp.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import dev.edp.keycloak.ProcessTree;

/**
 * A child process of the launcher whose output goes to its own log file and which can be
 * stopped gracefully, then forcibly, together with whatever it started itself.
 */
final class ManagedProcess {

    private final String name;

    private final List<String> command;

    private final Map<String, String> environment;

    private final Path workingDirectory;

    private final Path logFile;

    private volatile Process process;

    /** The tree asked to stop, taken while the process still had its children. */
    private volatile ProcessTree stopping;

    /**
     * @param environment added to the launcher's environment; a {@code null} value
     * removes the variable
     */
    ManagedProcess(String name, List<String> command, Map<String, String> environment, Path workingDirectory,
            Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.logFile = logFile;
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    void start() throws IOException {
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(Redirect.to(logFile.toFile()));
        Map<String, String> env = builder.environment();
        environment.forEach((key, value) -> {
            if (value == null) {
                env.remove(key);
            }
            else {
                env.put(key, value);
            }
        });
        stopping = null;
        process = builder.start();
        // Nothing is ever typed into a service; closing stdin keeps it from holding the
        // terminal.
        process.getOutputStream().close();
    }

    long pid() {
        return requireStarted().pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    OptionalInt exitCode() {
        Process p = process;
        return (p == null || p.isAlive()) ? OptionalInt.empty() : OptionalInt.of(p.exitValue());
    }

    /** Asks the process and everything it started to stop (SIGTERM); returns at once. */
    synchronized void requestStop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        stopping = ProcessTree.of(p.toHandle()).terminate();
    }

    /**
     * Waits for the process (and its descendants) to end; forcibly kills whatever
     * outlives the grace period.
     */
    synchronized void awaitStop(Duration grace) throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        ProcessTree tree = stopping != null ? stopping : ProcessTree.of(p.toHandle());
        if (!tree.awaitExit(grace)) {
            tree.kill();
            tree.awaitExit(Duration.ofSeconds(5));
        }
        // The Process object learns of the exit on its own thread; its exit code is read
        // next.
        p.waitFor(5, TimeUnit.SECONDS);
    }

    /**
     * Kills the process and its descendants without waiting; for when waiting is no
     * longer possible.
     */
    void kill() {
        Process p = process;
        if (p != null) {
            ProcessTree tree = stopping;
            (tree != null ? tree : ProcessTree.of(p.toHandle())).kill();
        }
    }

    void stop(Duration grace) throws InterruptedException {
        requestStop();
        awaitStop(grace);
    }

    /** The last lines of the log, for telling the user why the process failed. */
    List<String> logTail(int lines) {
        return tail(logFile, lines);
    }

    static List<String> tail(Path file, int lines) {
        // Only the end of a possibly large log is read; a service log can grow to many
        // megabytes.
        long window = 64 * 1024;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - window);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            if (bytes.length == 0) {
                return List.of();
            }
            List<String> all = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R")));
            if (start > 0 && !all.isEmpty()) {
                all.removeFirst(); // probably cut in the middle
            }
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException ex) {
            return List.of("(no log: " + ex.getMessage() + ")");
        }
    }

    private Process requireStarted() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException(name + " has not been started");
        }
        return p;
    }

    @Override
    public String toString() {
        return name + (process == null ? " (not started)" : " (pid " + process.pid() + ")");
    }

}
