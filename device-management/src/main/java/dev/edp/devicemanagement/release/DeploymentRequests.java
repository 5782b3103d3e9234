package dev.edp.devicemanagement.release;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.devicemanagement.rollout.RolloutPlan;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the deployment API, with the OCI reference syntax they accept. */
final class DeploymentRequests {

    /**
     * Bean Validation runs every constraint of a field, so a pattern also sees strings
     * far over the field's {@code @Size}. Java's regex engine recurses once per
     * repetition of a group, and a repeated group over a string of hundreds of kilobytes
     * overflowed the stack (a 500). Patterns with repeated groups therefore start with
     * this bounded look-ahead, which fails long input at once.
     */
    private static final String AT_MOST_255 = "(?=.{1,255}$)";

    /**
     * An OCI repository: optional registry host[:port]/, then lower-case path components.
     */
    static final String REPOSITORY = AT_MOST_255
            + "(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*"
            + "[a-zA-Z0-9])?)*(?::[0-9]{1,5})?/)?[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*"
            + "(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*";

    /** An OCI tag. */
    static final String TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";

    /** An OCI digest (algorithm:hex). */
    static final String DIGEST = AT_MOST_255 + "[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}";

    /** {@code hostPort:containerPort[/tcp|udp]}. */
    static final String PORT = "[0-9]{1,5}:[0-9]{1,5}(?:/(?:tcp|udp))?";
    static final String ENV_NAME = "[A-Za-z_][A-Za-z0-9_]{0,127}";

    /** {@code /host/path:/container/path[:ro]} or a named volume. */
    static final String VOLUME = "[A-Za-z0-9_./-]{1,255}:/[A-Za-z0-9_./-]{0,255}(?::ro|:rw)?";

    private DeploymentRequests() {
    }

    /**
     * An application: what a container is made of, with its defaults.
     *
     * @param customerId the owning customer: required from a platform admin, otherwise
     * one's own
     * @param name unique per customer
     * @param imageRepository the OCI repository, e.g.
     * {@code registry.example.com:5000/team/app}
     * @param ports default port mappings {@code host:container[/tcp|udp]}
     * @param env default environment variables
     * @param volumes default volume mounts {@code source:/target[:ro]}
     * @param restartPolicy {@code no}, {@code always}, {@code unless-stopped} (default)
     * or {@code on-failure}
     */
    record Application(UUID customerId,
            @NotBlank @Size(max = 100) @Pattern(regexp = "[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?",
                    message = "must be lower-case letters, digits and '-'") String name,
            @NotBlank @Size(max = 255) @Pattern(regexp = REPOSITORY,
                    message = "must be an OCI repository, e.g."
                            + " registry.example.com/team/app, without tag or digest") String imageRepository,
            @Size(max = 32) List<@NotNull @Pattern(regexp = PORT,
                    message = "ports must be host:container[/tcp|udp]") String> ports,
            @Size(max = 64) Map<@NotNull @Pattern(regexp = ENV_NAME,
                    message = "env names must be letters, digits"
                            + " and _, not starting with a digit") String, @NotNull @Size(max = 4096) String> env,
            @Size(max = 32) List<@NotNull @Pattern(regexp = VOLUME,
                    message = "volumes must be source:/target[:ro]") String> volumes,
            @Pattern(regexp = "no|always|unless-stopped|on-failure",
                    message = "must be one of no, always, unless-stopped, on-failure") String restartPolicy) {
    }

    /**
     * A release to create; it never changes afterwards.
     *
     * @param customerId the owning customer: required from a platform admin, otherwise
     * one's own
     * @param name unique per customer, e.g. {@code 2026.11.1}
     * @param containers the applications it runs, each with exactly one of tag and digest
     */
    record Release(UUID customerId,
            @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}",
                    message = "must be letters, digits, '.', '_' and '-'") String name,
            @NotEmpty @Size(max = 32) List<@NotNull @Valid Container> containers) {
    }

    /**
     * One container of a release.
     *
     * @param applicationId the application
     * @param tag the image tag (or give digest)
     * @param digest the image digest, {@code sha256:…} (or give tag)
     * @param ports port mappings replacing the application's, if given
     * @param env environment variables added to (and overriding) the application's
     */
    record Container(@NotNull UUID applicationId, @Pattern(regexp = TAG, message = "must be an OCI tag") String tag,
            @Size(max = 255) @Pattern(regexp = DIGEST,
                    message = "must be an OCI digest such as sha256:<64 hex>") String digest,
            @Size(max = 32) List<@NotNull @Pattern(regexp = PORT,
                    message = "ports must be host:container[/tcp|udp]") String> ports,
            @Size(max = 64) Map<@NotNull @Pattern(regexp = ENV_NAME, message = "env names must be letters, digits"
                    + " and _, not starting with a digit") String, @NotNull @Size(max = 4096) String> env) {
    }

    /**
     * Pins a release to TESTING.
     *
     * @param releaseId the release
     * @param customerId the customer: required from a platform admin, otherwise one's own
     */
    record Pin(@NotNull UUID releaseId, UUID customerId) {
    }

    /**
     * Asks for a promotion (or, with {@code releaseId}, a rollback) that a second person
     * approves.
     *
     * @param targetEnvironment {@code STAGING} (from TESTING) or {@code PRODUCTION} (from
     * STAGING)
     * @param releaseId for a rollback: a release pinned to the target before; null to
     * promote the source's pin
     * @param customerId the customer: required from a platform admin, otherwise one's own
     * @param rollout a rollout plan: approving then starts this rollout instead of
     * pinning, and the pin follows when it succeeds; null to pin on approval
     */
    record Promotion(
            @NotNull @Pattern(regexp = "STAGING|PRODUCTION",
                    message = "must be STAGING or PRODUCTION") String targetEnvironment,
            UUID releaseId, UUID customerId, @Valid RolloutPlan rollout) {
    }

}
