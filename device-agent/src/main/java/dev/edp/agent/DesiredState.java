package dev.edp.agent;

import java.util.List;
import java.util.UUID;

/**
 * What the platform wants the device to run.
 *
 * @param etag the state's ETag, sent back as {@code If-None-Match}
 * @param releaseId the release, null when the device should run nothing
 * @param releaseName its name
 * @param containers the containers to run
 */
public record DesiredState(String etag, UUID releaseId, String releaseName, List<ContainerSpec> containers) {

    public DesiredState {
        containers = List.copyOf(containers);
    }
}
