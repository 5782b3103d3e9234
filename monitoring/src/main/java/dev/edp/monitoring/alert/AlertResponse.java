package dev.edp.monitoring.alert;

import java.time.Instant;
import java.util.UUID;

/**
 * An alert as the API, the live feed and notifications show it.
 *
 * @param id the alert
 * @param type what it is about
 * @param customerId its customer, null for a platform alert
 * @param deviceId the device, if it is about one
 * @param rolloutId the rollout, if it is about one ({@code ROLLOUT_PAUSED})
 * @param subject what it is about, for de-duplication (device id, rollout id, or
 * service/instance)
 * @param detail what was seen, for people
 * @param state OPEN or RESOLVED
 * @param openedAt when it opened
 * @param acknowledgedAt when an operator acknowledged it, if so
 * @param acknowledgedBy who acknowledged it
 * @param resolvedAt when it resolved, if so
 * @param resolution why it resolved
 */
public record AlertResponse(UUID id, AlertType type, UUID customerId, UUID deviceId, UUID rolloutId, String subject,
        String detail, String state, Instant openedAt, Instant acknowledgedAt, String acknowledgedBy,
        Instant resolvedAt, String resolution) {
}
