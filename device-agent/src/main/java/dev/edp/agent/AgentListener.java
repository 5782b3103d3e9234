package dev.edp.agent;

import java.time.Duration;

/**
 * What an agent tells its owner (the simulator counts with it). Called on the agent's
 * threads; keep it quick.
 */
public interface AgentListener {

    /** A heartbeat was accepted. */
    default void heartbeat() {
    }

    /**
     * A heartbeat was accepted; by default calls {@link #heartbeat()}.
     * @param latency from sending it (including a wait for a free connection) to E3's
     * answer
     */
    default void heartbeat(Duration latency) {
        heartbeat();
    }

    /** A new desired state arrived and is being applied. */
    default void desiredState(DesiredState state) {
    }

    /** The certificate was renewed. */
    default void renewed(DeviceIdentity identity) {
    }

    /**
     * A request failed.
     * @param error what failed
     */
    default void error(E3Exception error) {
    }

    /**
     * A failed request will be tried again after a wait (connection failures, 408, 429,
     * 5xx and 401s other than E3's certificate refusals). Follows {@link #error}.
     * @param error what failed
     * @param wait how long until the next attempt
     */
    default void retrying(E3Exception error, Duration wait) {
    }

    /**
     * The agent stopped.
     * @param reason why
     */
    default void stopped(ExitReason reason) {
    }

}
