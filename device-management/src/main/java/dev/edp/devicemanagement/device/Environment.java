package dev.edp.devicemanagement.device;

/** The stage a device runs in; each has its own pinned release. */
public enum Environment {
    /** First stage: pinned directly by operators. */
    TESTING,
    /** Second stage: reached from TESTING by an approved promotion. */
    STAGING,
    /** Last stage: reached from STAGING by an approved promotion. */
    PRODUCTION
}
