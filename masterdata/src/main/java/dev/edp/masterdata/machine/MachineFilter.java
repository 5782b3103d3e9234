package dev.edp.masterdata.machine;

import java.util.Map;

/**
 * What a machine list is filtered by, besides the customer; null members do not filter.
 *
 * @param type only machines of this type
 * @param site only machines at this site (exact)
 * @param manufacturer only machines of this manufacturer (exact)
 * @param serialNumber only the machine with this serial number (exact)
 * @param text only machines whose name contains this, ignoring case
 * @param labels only machines carrying all these labels
 */
record MachineFilter(MachineType type, String site, String manufacturer, String serialNumber, String text,
        Map<String, String> labels) {

    /** Every machine. */
    static final MachineFilter NONE = new MachineFilter(null, null, null, null, null, Map.of());

    /**
     * @return only machines of this type
     */
    MachineFilter withType(MachineType onlyType) {
        return new MachineFilter(onlyType, site, manufacturer, serialNumber, text, labels);
    }
}
