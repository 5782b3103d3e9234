package dev.edp.devicemanagement.device;

import java.util.UUID;

/**
 * Revokes what onboarding issued for a device: its certificates and an onboarding token
 * still open. Called before a decommission commits, so a decommissioned device cannot
 * keep a valid certificate.
 */
interface CertificateRevocations {

    /**
     * @param deviceId the device
     * @param bearerToken the calling user's access token, relayed so onboarding applies
     * that user's rights and audits that user
     * @throws RevocationUnavailableException when onboarding cannot be reached or did not
     * revoke
     */
    void revokeDevice(UUID deviceId, String bearerToken);

    /** Onboarding could not confirm the revocation; the decommission must not happen. */
    class RevocationUnavailableException extends RuntimeException {

        RevocationUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }

    }

}
