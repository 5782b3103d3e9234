package dev.edp.devicemanagement.device;

import java.util.Arrays;
import java.util.Optional;

/**
 * The stage a device runs in; each has its own pinned release. Declared lowest first: a
 * device in STAGING or PRODUCTION only ever runs a release a second person approved for
 * that environment.
 */
public enum Environment {

    /** First stage: pinned directly by operators. */
    TESTING,
    /** Second stage: reached from TESTING by an approved promotion. */
    STAGING,
    /** Last stage: reached from STAGING by an approved promotion. */
    PRODUCTION;

    /**
     * @return whether what devices here run needs a second person's approval
     */
    public boolean requiresApproval() {
        return this != TESTING;
    }

    /**
     * @param other another environment
     * @return whether this one is a lower stage than {@code other}
     */
    public boolean isBelow(Environment other) {
        return compareTo(other) < 0;
    }

    /**
     * @return the stage a promotion into this one comes from
     * @throws IllegalStateException for TESTING, the first stage
     */
    public Environment previous() {
        if (this == TESTING) {
            throw new IllegalStateException("TESTING is the first stage");
        }
        return values()[ordinal() - 1];
    }

    /**
     * @param name an environment's name as a caller wrote it (a path segment)
     * @return the environment of exactly that name, if there is one
     */
    public static Optional<Environment> named(String name) {
        return Arrays.stream(values()).filter(environment -> environment.name().equals(name)).findFirst();
    }

}
