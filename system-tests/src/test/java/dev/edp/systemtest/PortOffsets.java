package dev.edp.systemtest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Chooses the port offset of the platform the system tests start: the first candidate
 * under which every port the platform binds is free, so a developer's own platform, a
 * second checkout's test run or another process holding one of the ports does not make
 * the suite fail.
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

    private static final List<Integer> CANDIDATES = IntStream.rangeClosed(0, 24)
        .map(i -> 20000 + i * 1000)
        .boxed()
        .toList();

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
        return CANDIDATES.stream()
            .filter(PortOffsets::allFree)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("No free port range for the platform among offsets "
                    + CANDIDATES + "; set EDP_SYSTEM_TEST_PORT_OFFSET"));
    }

    static boolean allFree(int offset) {
        return BASE_PORTS.stream().allMatch(port -> free(port + offset));
    }

    /** Free on the wildcard address and on loopback (services bind one or the other). */
    static boolean free(int port) {
        return canBind(new InetSocketAddress(port))
                && canBind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private static boolean canBind(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(address);
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

}
