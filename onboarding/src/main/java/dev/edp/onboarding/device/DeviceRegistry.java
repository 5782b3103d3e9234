package dev.edp.onboarding.device;

import java.util.Map;
import java.util.UUID;

/**
 * device-management's device registry as onboarding needs it: register the device an
 * onboarding token is for, as {@code PENDING_ONBOARDING}, on behalf of the operator
 * creating the token. {@link HttpDeviceRegistry} is the implementation; the interface
 * lets tests and other wiring point it elsewhere.
 */
public interface DeviceRegistry {

    /**
     * The device to register. It has no id yet: device-management assigns it, so that no
     * caller can learn from a conflict whether an id it chose exists at another customer.
     *
     * @param customerId the owning customer
     * @param name display name, or null for device-management's default ({@code device-}
     * and the first 8 hex digits of the id)
     * @param environment TESTING, STAGING, PRODUCTION, or null for device-management's
     * default
     * @param machineId the machine, or null
     * @param labels free labels, or null
     */
    record Registration(UUID customerId, String name, String environment, UUID machineId, Map<String, String> labels) {
    }

    /**
     * The device device-management registered.
     *
     * @param id the id it assigned (the one to bind the token to)
     * @param name its name
     */
    record Registered(UUID id, String name) {
    }

    /**
     * Registers the device, relaying the caller's token so device-management applies the
     * caller's own rights and tenancy.
     * @param registration the device
     * @param bearerToken the calling user's access token
     * @return the device with the id device-management gave it
     * @throws dev.edp.platform.problem.EdpException a 4xx with device-management's own
     * status, code and detail when it refused the device, or 503
     * {@code DEVICE_REGISTRY_UNAVAILABLE} when it could not be asked
     */
    Registered register(Registration registration, String bearerToken);

}
