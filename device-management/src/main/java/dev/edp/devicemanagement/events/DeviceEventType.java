package dev.edp.devicemanagement.events;

/** What monitoring is told about a device. */
public enum DeviceEventType {

    /** The device's deployment rolled up to {@code reconciliation failed}. */
    DEPLOYMENT_FAILED,
    /** After a failure, no container of the device is failing any more. */
    DEPLOYMENT_RECOVERED,
    /** The device was decommissioned. */
    DECOMMISSIONED

}
