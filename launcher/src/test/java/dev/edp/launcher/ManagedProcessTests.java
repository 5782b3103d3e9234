package dev.edp.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ManagedProcessTests {

    @TempDir
    Path dir;

    @Test
    void writesOutputAndErrorsToATruncatedLogAndPassesTheEnvironment() throws Exception {
        Path log = dir.resolve("logs/svc.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "from the previous run\n");
        Map<String, String> env = new HashMap<>();
        env.put("EDP_DB_URL", "jdbc:postgresql://localhost:5433/edp");
        env.put("HOME", null); // removed
        ManagedProcess process = new ManagedProcess("svc",
                List.of("sh", "-c", "echo \"db=$EDP_DB_URL home=${HOME:-unset}\"; echo oops >&2; exit 3"), env, dir,
                log);

        process.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
        assertThat(process.exitCode()).hasValue(3);
        assertThat(Files.readAllLines(log)).containsExactly("db=jdbc:postgresql://localhost:5433/edp home=unset",
                "oops");
    }

    @Test
    void stopEndsTheProcessAndWhatItStarted() throws Exception {
        ManagedProcess process = new ManagedProcess("svc", List.of("sh", "-c", "sleep 300 & sleep 300 & wait"),
                Map.of(), dir, dir.resolve("svc.log"));
        process.start();
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> handle.children().count() == 2);
        List<ProcessHandle> children = handle.children().toList();

        process.stop(Duration.ofSeconds(10));

        assertThat(process.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void stopKillsAProcessThatIgnoresSigtermAfterTheGracePeriod() throws Exception {
        Path log = dir.resolve("svc.log");
        ManagedProcess process = new ManagedProcess("svc",
                List.of("sh", "-c", "trap '' TERM; echo trapped; sleep 300 & wait; wait"), Map.of(), dir, log);
        process.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("trapped"));
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> handle.children().count() == 1);
        ProcessHandle child = handle.children().findFirst().orElseThrow();

        long started = System.nanoTime();
        process.stop(Duration.ofMillis(500));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(process.isAlive()).isFalse();
        assertThat(process.exitCode()).hasValue(128 + 9); // SIGKILL, not a graceful exit
        await().atMost(Duration.ofSeconds(5)).until(() -> !child.isAlive());
    }

    @Test
    void logTailReturnsTheLastLinesOfALargeLog() throws IOException {
        Path log = dir.resolve("big.log");
        Files.write(log, IntStream.rangeClosed(1, 20_000).mapToObj(i -> "line " + i).toList());

        assertThat(ManagedProcess.tail(log, 3)).containsExactly("line 19998", "line 19999", "line 20000");
        assertThat(ManagedProcess.tail(log, 40)).hasSize(40).first().isEqualTo("line 19961");
    }

    @Test
    void logTailOfAShortOrMissingLog() throws IOException {
        Path log = dir.resolve("short.log");
        Files.writeString(log, "one\ntwo\n");
        Files.writeString(dir.resolve("empty.log"), "");

        assertThat(ManagedProcess.tail(log, 40)).containsExactly("one", "two");
        assertThat(ManagedProcess.tail(dir.resolve("empty.log"), 40)).isEmpty();
        assertThat(ManagedProcess.tail(dir.resolve("missing.log"), 40)).singleElement()
            .asString()
            .startsWith("(no log");
    }

}
