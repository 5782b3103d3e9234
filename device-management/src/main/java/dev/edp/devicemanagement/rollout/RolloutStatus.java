package dev.edp.devicemanagement.rollout;

import java.util.Set;

/** Where a rollout stands. */
public enum RolloutStatus {

    /** A group is active. */
    RUNNING,
    /** MANUAL: a group succeeded, the next waits for {@code continue}. */
    WAITING,
    /**
     * Error threshold crossed, the active group decided without success, or paused by an
     * operator.
     */
    PAUSED,
    /** Every group succeeded; the environment is pinned to the release. */
    SUCCEEDED,
    /** Cancelled by an operator. */
    CANCELLED,
    /** Replaced by its rollback rollout. */
    ROLLED_BACK;

    /** At most one rollout per customer and environment is in one of these. */
    static final Set<RolloutStatus> OPEN = Set.of(RUNNING, WAITING, PAUSED);

}
