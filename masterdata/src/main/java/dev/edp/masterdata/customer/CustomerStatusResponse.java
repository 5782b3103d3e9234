package dev.edp.masterdata.customer;

import java.util.UUID;

/**
 * @param id the customer
 * @param status whether it may use the platform
 */
record CustomerStatusResponse(UUID id, CustomerStatus status) {
}
