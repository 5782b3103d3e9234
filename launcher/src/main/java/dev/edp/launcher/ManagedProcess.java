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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    private List<ProcessHandle> descendantsAtStop = List.of();

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
        // Taken before the parent goes: once it is gone its children are re-parented and
        // out of reach.
        descendantsAtStop = p.descendants().toList();
        p.destroy();
        descendantsAtStop.forEach(ProcessHandle::destroy);
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
        long deadline = System.nanoTime() + grace.toNanos();
        if (!p.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
            descendantsAtStop = concat(descendantsAtStop, p.descendants().toList());
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : descendantsAtStop) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                child.onExit().get(left, TimeUnit.NANOSECONDS);
            }
            catch (ExecutionException | TimeoutException ex) {
                child.destroyForcibly();
            }
        }
    }

    /**
     * Kills the process and its descendants without waiting; for when waiting is no
     * longer possible.
     */
    void kill() {
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            descendantsAtStop.forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
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

    private static List<ProcessHandle> concat(List<ProcessHandle> a, List<ProcessHandle> b) {
        List<ProcessHandle> all = new ArrayList<>(a);
        b.stream().filter(h -> !all.contains(h)).forEach(all::add);
        return all;
    }

    @Override
    public String toString() {
        return name + (process == null ? " (not started)" : " (pid " + process.pid() + ")");
    }

}
