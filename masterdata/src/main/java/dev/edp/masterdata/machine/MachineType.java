package dev.edp.masterdata.machine;

/** The kind of equipment an edge device is attached to. */
enum MachineType {

    /** Injection moulding machine. */
    INJECTION_MOULDING,
    /** CNC machine tool. */
    CNC,
    /** Assembly line or cell. */
    ASSEMBLY,
    /** Anything else. */
    OTHER

}
