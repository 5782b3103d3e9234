package dev.edp.onboarding.token;

import java.time.Instant;
import java.util.UUID;

/** A stored onboarding token; the secret itself is never kept, only its SHA-256. */
record OnboardingToken(UUID id, UUID customerId, UUID deviceId, String deviceName, String environment, UUID machineId,
        String status, Instant expiresAt, Instant createdAt, String createdBy, Instant usedAt, Instant revokedAt,
        String revokedBy) {

    /** ACTIVE, USED, REVOKED, or EXPIRED for an active token past its expiry. */
    String effectiveStatus(Instant now) {
        return "ACTIVE".equals(status) && !expiresAt.isAfter(now) ? "EXPIRED" : status;
    }
}
