package dev.edp.keycloak;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A started process with everything it started ({@code kc.sh} and the Keycloak JVM it
 * launches; a platform service the launcher started), stopped together: SIGTERM to all,
 * SIGKILL to what is left after a grace period. The members are collected when the tree
 * is taken, before anything dies: once a parent is gone its children are re-parented and
 * out of reach. Used by {@link KeycloakServer} and by the launcher's processes.
 */
public final class ProcessTree {

    private final ProcessHandle root;

    private final List<ProcessHandle> members;

    private ProcessTree(ProcessHandle root) {
        this.root = root;
        this.members = new ArrayList<>(Stream.concat(root.descendants(), Stream.of(root)).toList());
    }

    /**
     * @param root the started process
     * @return the process with its descendants as they are now
     */
    public static ProcessTree of(ProcessHandle root) {
        return new ProcessTree(root);
    }

    /**
     * Stops a process with everything it started and waits for them.
     * @param root the started process
     * @param grace how long the tree may take to exit on SIGTERM before it is killed
     */
    public static void stop(ProcessHandle root, Duration grace) {
        ProcessTree tree = of(root).terminate();
        if (!tree.awaitExit(grace)) {
            tree.kill();
            tree.awaitExit(Duration.ofSeconds(10));
        }
    }

    /**
     * Asks every member to stop (SIGTERM); returns at once.
     * @return this tree
     */
    public synchronized ProcessTree terminate() {
        members.forEach(ProcessHandle::destroy);
        return this;
    }

    /**
     * Kills every member that is still alive (SIGKILL), and what the root started since
     * the tree was taken; returns at once. The root goes first: killed after its
     * children, it could see them die and exit on its own in between (a shell's
     * {@code wait} returns), and the kill would then look like a graceful exit.
     */
    public synchronized void kill() {
        if (root.isAlive()) {
            root.descendants().filter(process -> !members.contains(process)).forEach(members::add);
            root.destroyForcibly();
        }
        members.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * @param timeout how long to wait for all members together
     * @return whether every member has exited
     */
    public boolean awaitExit(Duration timeout) {
        List<ProcessHandle> processes;
        synchronized (this) {
            processes = List.copyOf(members);
        }
        Instant deadline = Instant.now().plus(timeout);
        for (ProcessHandle process : processes) {
            long remaining = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            try {
                process.onExit().get(remaining, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
            catch (Exception ex) {
                // Timed out: the caller escalates.
            }
        }
        return processes.stream().noneMatch(ProcessHandle::isAlive);
    }

}
