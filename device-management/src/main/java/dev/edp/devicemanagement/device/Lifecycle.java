package dev.edp.devicemanagement.device;

/** Where a device is in its life. */
enum Lifecycle {

    /** Registered (an onboarding token exists), no certificate yet. */
    PENDING_ONBOARDING,
    /** Enrolled: has a certificate and gets its desired state. */
    ACTIVE,
    /** Removed from service; kept for the record, gets no desired state. */
    DECOMMISSIONED

}
