package dev.edp.devicemanagement.device;

/** Whether a device is reachable, as monitoring derives it from heartbeats. */
enum Connectivity {

    /** Heartbeats arrive. */
    ONLINE,
    /** Heartbeats stopped. */
    OFFLINE,
    /** Not known yet (never heard from). */
    UNKNOWN

}
