package dev.edp.devicemanagement.rollout;

/** Where one device of a rollout stands. */
public enum RolloutDeviceStatus {

    /** Its group has not started. */
    PENDING,
    /** Its group is active; the release is handed to it. */
    ASSIGNED,
    /** It reported the rollout's release, containers still reconciling or not ready. */
    RECONCILING,
    /** It reported the rollout's release with every container ready. */
    READY,
    /** It reported the rollout's release with a container failing reconciliation. */
    FAILED,
    /** Not READY or FAILED when its group's timeout passed; counts as failed. */
    TIMED_OUT

}
