package dev.edp.devicemanagement.device;

import java.util.Map;
import java.util.UUID;

/**
 * What a device list is filtered by, besides the customer; null members do not filter.
 *
 * @param environment only devices in this environment
 * @param lifecycle only devices in this lifecycle state; null means "not decommissioned"
 * @param connectivity only devices with this connectivity
 * @param machineId only devices attached to this machine
 * @param text only devices whose name contains this, ignoring case
 * @param labels only devices carrying all these labels
 */
record DeviceFilter(Environment environment, Lifecycle lifecycle, Connectivity connectivity, UUID machineId,
        String text, Map<String, String> labels) {
}
