package dev.edp.monitoring.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Events device-management sends: about a device ({@code deviceId}) or about a rollout
 * ({@code rolloutId}), exactly one of the two per event.
 *
 * @param events the events, at most 1,000
 */
record DeviceEventsRequest(@NotEmpty @Size(max = 1000) List<@NotNull @Valid Event> events) {

    /** What happened to a device or a rollout. */
    enum Type {

        /** A deployment went to {@code reconciliation failed}. */
        DEPLOYMENT_FAILED(false),
        /** The device's deployments are healthy again. */
        DEPLOYMENT_RECOVERED(false),
        /** The device was decommissioned: no more alerts, no more status. */
        DECOMMISSIONED(false),
        /** A rollout paused (error threshold crossed, or an operator paused it). */
        ROLLOUT_PAUSED(true),
        /** A paused rollout was resumed, cancelled or rolled back. */
        ROLLOUT_PAUSE_ENDED(true);

        private final boolean rollout;

        Type(boolean rollout) {
            this.rollout = rollout;
        }

        /**
         * @return whether the event is about a rollout (else about a device)
         */
        boolean rollout() {
            return rollout;
        }

    }

    /**
     * @param deviceId the device, for device events (null for rollout events)
     * @param rolloutId the rollout, for rollout events (null for device events)
     * @param customerId the customer of the device or rollout
     * @param type what happened
     * @param detail for people, ≤ 2,000 characters
     * @param at when it happened
     */
    record Event(UUID deviceId, UUID rolloutId, @NotNull UUID customerId, @NotNull Type type,
            @Size(max = 2000) String detail, @NotNull Instant at) {

        /**
         * @return the device or rollout id as the alert's subject
         */
        String subject() {
            return type.rollout() ? rolloutId.toString() : deviceId.toString();
        }
    }

    /**
     * What bean validation cannot say about one field: each event names exactly one of
     * device and rollout, the one its type is about.
     * @return {@code {field, message}} per refused event, empty when all fit
     */
    List<Map<String, String>> subjectErrors() {
        List<Map<String, String>> errors = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            String field = "events[" + i + "]";
            if ((event.deviceId() == null) == (event.rolloutId() == null)) {
                errors.add(Map.of("field", field, "message", "exactly one of deviceId and rolloutId is required"));
            }
            else if (event.type().rollout() && event.rolloutId() == null) {
                errors.add(Map.of("field", field + ".type", "message",
                        event.type() + " is about a rollout: it needs a rolloutId, not a deviceId"));
            }
            else if (!event.type().rollout() && event.deviceId() == null) {
                errors.add(Map.of("field", field + ".type", "message",
                        event.type() + " is about a device: it needs a deviceId, not a rolloutId"));
            }
        }
        return errors;
    }

}
