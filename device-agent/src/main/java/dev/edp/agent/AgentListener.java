package dev.edp.agent;

/** What an agent tells its owner (the simulator counts with it). Called on the agent's threads; keep it quick. */
public interface AgentListener {

    /** A heartbeat was accepted. */
    default void heartbeat() {
    }

    /** A new desired state arrived and is being applied. */
    default void desiredState(DesiredState state) {
    }

    /** The certificate was renewed. */
    default void renewed(DeviceIdentity identity) {
    }

    /**
     * A request failed.
     *
     * @param error what failed
     */
    default void error(E3Exception error) {
    }

    /**
     * The agent stopped.
     *
     * @param reason why
     */
    default void stopped(ExitReason reason) {
    }
}
