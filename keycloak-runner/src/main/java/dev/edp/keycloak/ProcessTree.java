package dev.edp.keycloak;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Stopping a started process with everything it started ({@code kc.sh} and the Keycloak
 * JVM it launches): SIGTERM to all, SIGKILL to what is left after a grace period.
 */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * @param root the started process
     * @param grace how long the tree may take to exit on SIGTERM before it is killed
     */
    static void stop(ProcessHandle root, Duration grace) {
        // Collected before anything dies: orphans are no longer descendants.
        List<ProcessHandle> tree = Stream.concat(root.descendants(), Stream.of(root)).toList();
        tree.forEach(ProcessHandle::destroy);
        awaitExit(tree, grace);
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        awaitExit(tree, Duration.ofSeconds(10));
    }

    private static void awaitExit(List<ProcessHandle> processes, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (ProcessHandle process : processes) {
            long remaining = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            try {
                process.onExit().get(remaining, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (Exception ex) {
                // Timed out: the caller escalates.
            }
        }
    }

}
