package dev.edp.agent;

import java.util.List;

/**
 * Runs the containers of the desired state on the device. Implementations reconcile in
 * the background and call the change listener whenever a container's state changes, so
 * the agent reports {@code reconciling} and then {@code ready} (or
 * {@code reconciliation failed}).
 */
public interface ContainerExecutor extends AutoCloseable {

    /**
     * Starts reconciling to these containers: new ones are created, changed ones
     * replaced, missing ones removed. Returns at once.
     * @param desired every container that should run
     */
    void apply(List<ContainerSpec> desired);

    /**
     * @return every container on the device and its state
     */
    List<ContainerStatus> status();

    /**
     * @param listener called (on any thread) when {@link #status()} changed
     */
    void onChange(Runnable listener);

    @Override
    default void close() {
    }

}
