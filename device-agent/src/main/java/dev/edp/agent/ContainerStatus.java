package dev.edp.agent;

/**
 * A container as the agent reports it.
 *
 * @param name its name
 * @param image the image it runs
 * @param state {@code reconciling}, {@code not ready}, {@code ready},
 * {@code reconciliation failed} or {@code deleting}
 * @param message detail, may be null
 */
public record ContainerStatus(String name, String image, String state, String message) {

    /** Reported while a container is being created or updated. */
    public static final String RECONCILING = "reconciling";

    /** Reported once it runs. */
    public static final String READY = "ready";

    /** Reported when it could not be started. */
    public static final String FAILED = "reconciliation failed";

    /** Reported while it is being removed. */
    public static final String DELETING = "deleting";

}
