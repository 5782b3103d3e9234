package dev.edp.masterdata.machine;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import dev.edp.platform.audit.Stamp;

/**
 * A machine as the API shows it.
 *
 * @param id its id
 * @param customerId the customer owning it
 * @param name display name
 * @param type kind of machine
 * @param manufacturer manufacturer
 * @param model model
 * @param serialNumber serial number, unique per customer
 * @param site the site (plant) it stands in
 * @param location where in the site
 * @param commissioningDate when it was commissioned
 * @param labels free labels
 * @param version its version, also sent as {@code ETag}
 * @param createdAt when it was created
 * @param createdBy who created it
 * @param updatedAt when it was last changed
 * @param updatedBy who changed it last
 */
record MachineResponse(UUID id, UUID customerId, String name, MachineType type, String manufacturer, String model,
        String serialNumber, String site, String location, LocalDate commissioningDate, Map<String, String> labels,
        long version, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {

    static MachineResponse of(Machine machine) {
        Stamp stamp = machine.stamp();
        return new MachineResponse(machine.id(), machine.customerId(), machine.name(), machine.type(),
                machine.manufacturer(), machine.model(), machine.serialNumber(), machine.site(), machine.location(),
                machine.commissioningDate(), machine.labels(), stamp.version(), stamp.createdAt(), stamp.createdBy(),
                stamp.updatedAt(), stamp.updatedBy());
    }
}
