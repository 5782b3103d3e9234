package dev.edp.devicemanagement.device;

/**
 * The stage a device runs in; each has its own pinned release. Declared lowest first: a device in
 * STAGING or PRODUCTION only ever runs a release a second person approved for that environment.
 */
public enum Environment {
    /** First stage: pinned directly by operators. */
    TESTING,
    /** Second stage: reached from TESTING by an approved promotion. */
    STAGING,
    /** Last stage: reached from STAGING by an approved promotion. */
    PRODUCTION;

    /** @return whether what devices here run needs a second person's approval */
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
}
