package dev.edp.masterdata.customer;

import java.time.Instant;
import java.util.UUID;

import dev.edp.platform.audit.Stamp;

/** A customer as stored; never leaves the service (see {@link CustomerResponse}). */
record Customer(UUID id, String name, String code, String contactEmail, CustomerStatus status, Stamp stamp) {

    /**
     * @return a new, active customer with a fresh id
     */
    static Customer create(String name, String code, String contactEmail, Instant at, String by) {
        return new Customer(UUID.randomUUID(), name, code, contactEmail, CustomerStatus.ACTIVE, Stamp.created(at, by));
    }

    /**
     * @return this customer renamed or with another contact; the code never changes
     */
    Customer withDetails(String newName, String newContactEmail, Instant at, String by) {
        return new Customer(id, newName, code, newContactEmail, status, stamp.next(at, by));
    }

    /**
     * @return this customer activated or deactivated
     */
    Customer withStatus(CustomerStatus newStatus, Instant at, String by) {
        return new Customer(id, name, code, contactEmail, newStatus, stamp.next(at, by));
    }

    /**
     * @return its version, also its ETag
     */
    long version() {
        return stamp.version();
    }
}
