package dev.edp.masterdata.machine;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.platform.audit.Stamp;

/** A machine as stored; never leaves the service (see {@link MachineResponse}). */
record Machine(UUID id, UUID customerId, String name, MachineType type, String manufacturer, String model,
        String serialNumber, String site, String location, LocalDate commissioningDate, Map<String, String> labels,
        Stamp stamp) {

    /**
     * @param customerId the owning customer
     * @param request what the caller sent
     * @return a new machine with a fresh id, texts stripped (blank optional ones absent)
     */
    static Machine create(UUID customerId, MachineRequest request, Instant at, String by) {
        return of(UUID.randomUUID(), customerId, request, Stamp.created(at, by));
    }

    /**
     * @param request the new state: every member is replaced, the customer stays
     * @return this machine as the request describes it
     */
    Machine replacedBy(MachineRequest request, Instant at, String by) {
        return of(id, customerId, request, stamp.next(at, by));
    }

    /**
     * @return its version, also its ETag
     */
    long version() {
        return stamp.version();
    }

    private static Machine of(UUID id, UUID customerId, MachineRequest request, Stamp stamp) {
        return new Machine(id, customerId, request.name().strip(), MachineType.valueOf(request.type()),
                trim(request.manufacturer()), trim(request.model()), request.serialNumber().strip(),
                trim(request.site()), trim(request.location()), request.commissioningDate(),
                request.labels() == null ? Map.of() : new TreeMap<>(request.labels()), stamp);
    }

    private static String trim(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
