package dev.edp.masterdata.customer;

import java.time.Instant;
import java.util.UUID;

/** A customer as stored; never leaves the service (see {@link CustomerResponse}). */
record Customer(UUID id, String name, String code, String contactEmail, CustomerStatus status, long version,
        Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {
}
