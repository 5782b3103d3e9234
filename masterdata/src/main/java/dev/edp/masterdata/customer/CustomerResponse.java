package dev.edp.masterdata.customer;

import java.time.Instant;
import java.util.UUID;

import dev.edp.platform.audit.Stamp;

/**
 * A customer (tenant) as the API shows it.
 *
 * @param id its id, the value of the {@code customer_id} claim of its users' tokens
 * @param name display name
 * @param code short, unique, URL-safe code
 * @param contactEmail who to contact about it
 * @param status {@code ACTIVE} or {@code DEACTIVATED}
 * @param version its version, also sent as {@code ETag}
 * @param createdAt when it was created
 * @param createdBy who created it
 * @param updatedAt when it was last changed
 * @param updatedBy who changed it last
 */
record CustomerResponse(UUID id, String name, String code, String contactEmail, CustomerStatus status, long version,
        Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {

    static CustomerResponse of(Customer customer) {
        Stamp stamp = customer.stamp();
        return new CustomerResponse(customer.id(), customer.name(), customer.code(), customer.contactEmail(),
                customer.status(), stamp.version(), stamp.createdAt(), stamp.createdBy(), stamp.updatedAt(),
                stamp.updatedBy());
    }
}
