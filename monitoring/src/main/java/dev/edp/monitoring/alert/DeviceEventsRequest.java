package dev.edp.monitoring.alert;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Events device-management sends.
 *
 * @param events the events, at most 1,000
 */
record DeviceEventsRequest(@NotEmpty @Size(max = 1000) List<@NotNull @Valid Event> events) {

    /** What happened to a device. */
    enum Type {

        /** A deployment went to {@code reconciliation failed}. */
        DEPLOYMENT_FAILED,
        /** The device's deployments are healthy again. */
        DEPLOYMENT_RECOVERED,
        /** The device was decommissioned: no more alerts, no more status. */
        DECOMMISSIONED

    }

    /**
     * @param deviceId the device
     * @param customerId its customer
     * @param type what happened
     * @param detail for people, ≤ 2,000 characters
     * @param at when it happened
     */
    record Event(@NotNull UUID deviceId, @NotNull UUID customerId, @NotNull Type type, @Size(max = 2000) String detail,
            @NotNull Instant at) {
    }
}
