package dev.edp.devicemanagement.desiredstate;

import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * What a device should run, as the device agent reads it.
 *
 * @param deviceId the device
 * @param environment its environment
 * @param releaseId the release to run, absent when the device should run nothing
 * @param releaseName that release's name
 * @param containers the containers to run: application, image reference, ports, env,
 * volumes, restart policy; empty when nothing is pinned or the device is pending or
 * decommissioned
 */
record DesiredStateResponse(UUID deviceId, String environment, UUID releaseId, String releaseName,
        JsonNode containers) {

    static DesiredStateResponse of(DesiredState state) {
        return new DesiredStateResponse(state.deviceId(), state.environment(), state.releaseId(), state.releaseName(),
                state.containers());
    }
}
