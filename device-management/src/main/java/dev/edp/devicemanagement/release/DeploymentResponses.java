package dev.edp.devicemanagement.release;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/** Response bodies of the deployment API. */
final class DeploymentResponses {

    private DeploymentResponses() {
    }

    /** An application. */
    record Application(UUID id, UUID customerId, String name, String imageRepository, List<String> ports,
            Map<String, String> env, List<String> volumes, String restartPolicy, long version, Instant createdAt,
            String createdBy, Instant updatedAt, String updatedBy) {
    }

    /**
     * A release; {@code containers} is the snapshot taken at creation: application, image
     * ({@code repository:tag} or {@code repository@digest}), ports, env, volumes, restart policy.
     */
    record Release(UUID id, UUID customerId, String name, JsonNode containers, Instant createdAt, String createdBy) {
    }

    /** The release pinned to an environment of a customer; revision counts the pin's changes. */
    record Pin(UUID customerId, String environment, UUID releaseId, String releaseName, long revision,
            Instant pinnedAt, String pinnedBy) {
    }

    /**
     * A promotion request and its outcome. {@code basisEnvironment}/{@code basisRevision}: the pin it
     * was based on (the source's, or the target's for a rollback); approving fails once it changed.
     */
    record Promotion(UUID id, UUID customerId, String targetEnvironment, String basisEnvironment, long basisRevision,
            UUID releaseId, boolean rollback, String status, String requestedBy, Instant requestedAt,
            String decidedBy, Instant decidedAt, String reason) {
    }
}
