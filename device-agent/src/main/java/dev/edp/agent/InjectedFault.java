package dev.edp.agent;

/**
 * A misbehaviour a simulated device may be given, so that rollouts can be tested against
 * devices that fail (the simulator's {@code --fail-rate} and
 * {@code --unresponsive-rate}). Never for a real device.
 */
public enum InjectedFault {

    /** Behaves correctly. */
    NONE,

    /**
     * Every container of every desired state it receives is reported {@code reconciling},
     * then {@code reconciliation failed} with a reason; nothing is started (whatever the
     * executor).
     */
    RECONCILIATION_FAILS,

    /**
     * Receives desired states (it keeps long-polling and heartbeating) but never applies
     * or reports them: the platform never hears of a new release from it.
     */
    UNRESPONSIVE

}
