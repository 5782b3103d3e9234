package dev.edp.keycloak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that must be given their port before they start (Keycloak, a process
 * of a test's own, nginx in the benchmark). Taken below the ephemeral range (32768 to
 * 60999 on Linux): a port found free with {@code new ServerSocket(0)} comes from that
 * range, and until the server binds it (Keycloak: tens of seconds later), any outgoing
 * connection on the machine may be given it as its local port. With another build running
 * beside, a launcher test's fake service once failed to start that way. Never the same
 * port twice in one JVM.
 */
public final class LocalPorts {

    private static final int FIRST = 10_000;

    private static final int COUNT = 10_000;

    private static final Set<Integer> handedOut = new HashSet<>();

    private LocalPorts() {
    }

    /**
     * @return a port below the ephemeral range that nothing listens on now and that this
     * JVM has not handed out before
     */
    public static synchronized int unused() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = FIRST + ThreadLocalRandom.current().nextInt(COUNT);
            if (!handedOut.contains(port) && free(port)) {
                handedOut.add(port);
                return port;
            }
        }
        throw new IllegalStateException("No free port between " + FIRST + " and " + (FIRST + COUNT - 1));
    }

    /**
     * @param port a port
     * @return whether it can be bound both on the wildcard address and on loopback
     * (servers bind one or the other), without {@code SO_REUSEADDR}
     */
    public static boolean free(int port) {
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
