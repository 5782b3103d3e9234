package dev.edp.onboarding.token;

import java.time.Instant;
import java.util.UUID;

/** Request and response bodies of the token API. */
final class TokenRequests {

    private TokenRequests() {
    }

    /**
     * @param customerId required for a platform admin, otherwise the caller's own (or
     * absent)
     * @param deviceName optional name the device will be known by
     * @param environment optional TESTING, STAGING or PRODUCTION
     * @param machineId optional machine the device is attached to
     * @param lifetime optional ISO-8601 duration, default PT24H, 5 minutes to 7 days
     * @param labels optional labels of the device (passed to device-management, which
     * checks them)
     */
    record Create(UUID customerId, String deviceName, String environment, UUID machineId, String lifetime,
            java.util.Map<String, String> labels) {
    }

    /**
     * A token as the API shows it; {@code token} (the secret) is present only in the
     * create response.
     */
    record Response(UUID id, String token, UUID deviceId, UUID customerId, String deviceName, String environment,
            UUID machineId, String status, Instant expiresAt, Instant createdAt, String createdBy, Instant usedAt,
            Instant revokedAt) {

        static Response of(OnboardingToken token, String secret, Instant now) {
            return new Response(token.id(), secret, token.deviceId(), token.customerId(), token.deviceName(),
                    token.environment(), token.machineId(), token.effectiveStatus(now), token.expiresAt(),
                    token.createdAt(), token.createdBy(), token.usedAt(), token.revokedAt());
        }
    }

}
