package dev.edp.systemtest;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import dev.edp.keycloak.LocalPorts;

/**
 * Chooses the port offset of the platform the system tests start: the first candidate
 * under which every port the platform binds is free, so a developer's own platform, a
 * second checkout's test run or another process holding one of the ports does not make
 * the suite fail. The offset is reserved by a file lock until the JVM ends
 * ({@link #reserve}), because a platform binds its ports one by one over minutes: two
 * builds that reach the system tests at the same moment would otherwise both find the
 * first candidate free.
 */
final class PortOffsets {

    /**
     * Every port the launcher binds, before the offset: embedded PostgreSQL, Keycloak and
     * its management port, registry, gateway, the four services, E3 (each with its
     * management port), the second gateway replica a test starts, the benchmark smoke
     * test's no-op upstream, and the tests' own SMTP server.
     */
    static final List<Integer> BASE_PORTS = List.of(5433, 8180, 9180, 8761, 9761, 8080, 9080, 8081, 9081, 8082, 9082,
            8083, 9083, 8084, 9084, 8443, 9443, 8090, 9090, 8099, 3025);

    /**
     * The benchmark smoke test's no-op upstream (nginx), which E3's benchmark route
     * forwards to.
     */
    static final int BENCHMARK_NOOP_PORT = 8099;

    /** The shared platform's offsets, in the order they are tried. */
    static final List<Integer> CANDIDATES = IntStream.rangeClosed(0, 24).map(i -> 20000 + i * 1000).boxed().toList();

    /** The reserved offsets' lock files, held open until the JVM ends. */
    private static final List<FileChannel> reserved = new ArrayList<>();

    private PortOffsets() {
    }

    /**
     * @param configured {@code EDP_SYSTEM_TEST_PORT_OFFSET}, or null to choose one
     * @return the configured offset, else the first candidate whose ports are all free
     */
    static int choose(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Integer.parseInt(configured.trim());
        }
        return reserve(CANDIDATES, PortOffsets::allFree, "for the platform (or set EDP_SYSTEM_TEST_PORT_OFFSET)");
    }

    /**
     * @param candidates the offsets, in the order they are tried
     * @param usable whether the platform's ports are free under an offset
     * @param purpose what the offset is for, for the error
     * @return the first candidate that no other test or build holds and that is usable,
     * reserved by a file lock in the temporary directory until this JVM ends
     */
    static synchronized int reserve(List<Integer> candidates, IntPredicate usable, String purpose) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int offset : candidates) {
            FileChannel channel = null;
            try {
                channel = FileChannel.open(dir.resolve("edp-system-test-offset-" + offset + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null && usable.test(offset)) {
                    reserved.add(channel);
                    return offset;
                }
                channel.close();
            }
            catch (OverlappingFileLockException ex) {
                // Reserved by another test class of this JVM.
                closeQuietly(channel);
            }
            catch (IOException ex) {
                closeQuietly(channel);
                throw new IllegalStateException("Could not reserve port offset " + offset, ex);
            }
        }
        throw new IllegalStateException("No free port offset among " + candidates + " " + purpose
                + ": other builds on this machine hold them all, or other processes use their ports");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            }
            catch (IOException ex) {
                // nothing held
            }
        }
    }

    static boolean allFree(int offset) {
        return BASE_PORTS.stream().allMatch(port -> LocalPorts.free(port + offset));
    }

}
