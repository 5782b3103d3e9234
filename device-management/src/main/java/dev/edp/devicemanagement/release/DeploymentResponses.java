package dev.edp.devicemanagement.release;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.edp.devicemanagement.device.Environment;
import dev.edp.devicemanagement.support.Approval;
import dev.edp.platform.audit.Stamp;
import tools.jackson.databind.JsonNode;

/** Response bodies of the deployment API. */
final class DeploymentResponses {

    private DeploymentResponses() {
    }

    /**
     * An application. Its stamp shows as the members
     * {@code version, createdAt, createdBy,
     * updatedAt, updatedBy}, like every other resource's.
     */
    record Application(UUID id, UUID customerId, String name, String imageRepository, List<String> ports,
            Map<String, String> env, List<String> volumes, String restartPolicy, @JsonUnwrapped Stamp stamp) {

        /**
         * @return a new application with a fresh id; absent defaults are empty, the
         * restart policy {@code unless-stopped}
         */
        static Application create(UUID customerId, DeploymentRequests.Application request, Stamp stamp) {
            return new Application(UUID.randomUUID(), customerId, request.name(), request.imageRepository(),
                    request.ports() == null ? List.of() : List.copyOf(request.ports()),
                    request.env() == null ? Map.of() : new TreeMap<>(request.env()),
                    request.volumes() == null ? List.of() : List.copyOf(request.volumes()),
                    request.restartPolicy() == null ? "unless-stopped" : request.restartPolicy(), stamp);
        }
    }

    /**
     * A release; {@code containers} is the snapshot taken at creation: application, image
     * ({@code repository:tag} or {@code repository@digest}), ports, env, volumes, restart
     * policy.
     */
    record Release(UUID id, UUID customerId, String name, JsonNode containers, Instant createdAt, String createdBy) {
    }

    /**
     * The release pinned to an environment of a customer; revision counts the pin's
     * changes.
     */
    record Pin(UUID customerId, Environment environment, UUID releaseId, String releaseName, long revision,
            Instant pinnedAt, String pinnedBy) {
    }

    /**
     * A promotion request and its outcome.
     * {@code basisEnvironment}/{@code basisRevision}: the pin it was based on (the
     * source's, or the target's for a rollback); approving fails once it changed. Its
     * {@link Approval} shows as the members
     * {@code status, requestedBy, requestedAt, decidedBy,
     * decidedAt, reason}. {@code rollout}: the plan of the rollout approval starts (null:
     * approval pins), {@code rolloutId} that rollout once started.
     */
    record Promotion(UUID id, UUID customerId, Environment targetEnvironment, Environment basisEnvironment,
            long basisRevision, UUID releaseId, boolean rollback, @JsonUnwrapped Approval approval, JsonNode rollout,
            UUID rolloutId) {

        /**
         * @param source the pin of the environment below the target, whose release is
         * promoted
         * @param target the environment to pin it to once approved
         * @return the request, based on the source pin's revision
         */
        static Promotion of(Pin source, Environment target, String by, Instant at, JsonNode rollout) {
            return new Promotion(UUID.randomUUID(), source.customerId(), target, source.environment(),
                    source.revision(), source.releaseId(), false, Approval.requested(by, at), rollout, null);
        }

        /**
         * @param targetRevision the revision of the target's pin now (0 without one)
         * @param releaseId a release the target ran before
         * @return the request to pin the target back to it, based on the target's pin
         */
        static Promotion rollback(UUID customerId, Environment target, long targetRevision, UUID releaseId, String by,
                Instant at, JsonNode rollout) {
            return new Promotion(UUID.randomUUID(), customerId, target, target, targetRevision, releaseId, true,
                    Approval.requested(by, at), rollout, null);
        }
    }

}
