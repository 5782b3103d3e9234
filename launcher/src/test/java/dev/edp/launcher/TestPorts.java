package dev.edp.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that a launcher test starts in another process (PostgreSQL, fake
 * services). Taken below the ephemeral range (32768 to 60999 on Linux): a port found free
 * with {@code new ServerSocket(0)} comes from that range, and until the other process
 * binds it, any outgoing connection on the machine may be given it as its local port.
 * With another build running beside, a fake service once failed to bind its port that
 * way. Never the same port twice in one JVM.
 */
final class TestPorts {

    private static final int FIRST = 10_000;

    private static final int COUNT = 10_000;

    private static final Set<Integer> handedOut = new HashSet<>();

    private TestPorts() {
    }

    /**
     * @return a port below the ephemeral range that nothing listens on now and that this
     * JVM has not handed out before
     */
    static synchronized int unused() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = FIRST + ThreadLocalRandom.current().nextInt(COUNT);
            if (!handedOut.contains(port) && bindable(port)) {
                handedOut.add(port);
                return port;
            }
        }
        throw new IllegalStateException("No free port between " + FIRST + " and " + (FIRST + COUNT - 1));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

}
