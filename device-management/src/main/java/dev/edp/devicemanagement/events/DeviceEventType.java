package dev.edp.devicemanagement.events;

/** What monitoring is told about a device. */
public enum DeviceEventType {

    /** The device's deployment rolled up to {@code reconciliation failed}. */
    DEPLOYMENT_FAILED,
    /** After a failure, no container of the device is failing any more. */
    DEPLOYMENT_RECOVERED,
    /** The device was decommissioned. */
    DECOMMISSIONED,
    /**
     * A rollout paused (error threshold crossed, no success, or an operator); about a
     * rollout, not a device.
     */
    ROLLOUT_PAUSED,
    /** A paused rollout was resumed, cancelled or rolled back; about a rollout. */
    ROLLOUT_PAUSE_ENDED

}
