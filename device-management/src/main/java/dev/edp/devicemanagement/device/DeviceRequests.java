package dev.edp.devicemanagement.device;

import java.util.Map;
import java.util.UUID;

import dev.edp.devicemanagement.support.Labels;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the device API. */
final class DeviceRequests {

    private DeviceRequests() {
    }

    /**
     * A device to register as pending onboarding (onboarding calls this when it creates a token).
     * @param id the device id, or null for a new one
     * @param customerId the owning customer: required from a platform admin, otherwise one's own
     * @param name display name
     * @param environment {@code TESTING} (default), {@code STAGING} or {@code PRODUCTION}
     * @param machineId the machine it is attached to (masterdata), if any
     * @param labels up to 32 free labels
     */
    record Register(
            UUID id,
            UUID customerId,
            @NotBlank @Size(max = 200) String name,
            @Pattern(regexp = "TESTING|STAGING|PRODUCTION", message = "must be one of TESTING, STAGING, PRODUCTION")
            @Schema(implementation = Environment.class) String environment,
            UUID machineId,
            @Size(max = 32) Map<
                    @NotNull @Pattern(regexp = Labels.KEY, message = "label keys must be 1 to 63 letters, digits or"
                            + " . _ / -, starting and ending with a letter or digit") String,
                    @NotNull @Size(max = 256) @Pattern(regexp = "[^\\p{Cntrl}]*",
                            message = "label values must not contain control characters") String> labels) {
    }

    /**
     * Moves a device to another environment.
     * @param environment the new environment
     */
    record Move(
            @NotNull @Pattern(regexp = "TESTING|STAGING|PRODUCTION",
                    message = "must be one of TESTING, STAGING, PRODUCTION")
            @Schema(implementation = Environment.class) String environment) {
    }
}
