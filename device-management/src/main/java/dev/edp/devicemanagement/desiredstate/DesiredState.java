package dev.edp.devicemanagement.desiredstate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * What a device should run.
 *
 * @param deviceId the device
 * @param environment its environment
 * @param releaseId the release pinned to that environment, or null for nothing
 * @param releaseName that release's name
 * @param containers that release's containers (empty when nothing is pinned, or the
 * device is pending or decommissioned)
 */
record DesiredState(UUID deviceId, String environment, UUID releaseId, String releaseName, JsonNode containers) {

    /**
     * @return a strong ETag that changes whenever anything in this state does
     */
    String etag() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((deviceId + "|" + environment + "|" + releaseId + "|" + releaseName + "|" + containers)
                .getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(sha.digest(), 0, 16) + "\"";
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
