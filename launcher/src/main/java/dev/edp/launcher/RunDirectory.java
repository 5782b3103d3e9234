package dev.edp.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reads the pid files under {@code .edp/run}, shared with the {@code ./edp} script. */
final class RunDirectory {

    private RunDirectory() {
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        }
        catch (IOException | NumberFormatException ex) {
            return Optional.empty();
        }
    }

    static boolean isAlive(Path pidFile) {
        return readPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isPresent();
    }

    /**
     * Name (file name without {@code .pid}) to pid, for each pid file whose process is
     * still alive.
     */
    static Map<String, Long> liveProcesses(Path runDir) throws IOException {
        Map<String, Long> live = new TreeMap<>();
        if (!Files.isDirectory(runDir)) {
            return live;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, "*.pid")) {
            for (Path file : files) {
                if (isAlive(file)) {
                    String name = file.getFileName().toString();
                    live.put(name.substring(0, name.length() - ".pid".length()), readPid(file).orElseThrow());
                }
            }
        }
        return live;
    }

}
