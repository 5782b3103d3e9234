package dev.edp.onboarding.device;

import java.util.Map;
import java.util.UUID;

/**
 * device-management's device registry as onboarding needs it: register the device an onboarding
 * token is for, as {@code PENDING_ONBOARDING}, on behalf of the operator creating the token.
 * {@link HttpDeviceRegistry} is the implementation; the interface lets tests and other wiring
 * point it elsewhere.
 */
public interface DeviceRegistry {

    /**
     * The device to register.
     * @param id the id onboarding proposes (device-management adopts it)
     * @param customerId the owning customer
     * @param name display name
     * @param environment TESTING, STAGING, PRODUCTION, or null for device-management's default
     * @param machineId the machine, or null
     * @param labels free labels, or null
     */
    record Registration(UUID id, UUID customerId, String name, String environment, UUID machineId,
            Map<String, String> labels) {
    }

    /**
     * Registers the device, relaying the caller's token so device-management applies the caller's
     * own rights and tenancy.
     * @param registration the device
     * @param bearerToken the calling user's access token
     * @return the id device-management gave the device (the one to bind the token to)
     * @throws dev.edp.platform.problem.EdpException a 4xx with device-management's own status, code
     * and detail when it refused the device, or 503 {@code DEVICE_REGISTRY_UNAVAILABLE} when it
     * could not be asked
     */
    UUID register(Registration registration, String bearerToken);
}
