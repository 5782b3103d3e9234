package dev.edp.masterdata.machine;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

/** A machine as stored; never leaves the service (see {@link MachineResponse}). */
record Machine(UUID id, UUID customerId, String name, MachineType type, String manufacturer, String model,
        String serialNumber, String site, String location, LocalDate commissioningDate, Map<String, String> labels,
        long version, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {
}
