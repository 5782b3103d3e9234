package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.platform.web.Labels;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the device API. */
final class DeviceRequests {

    private DeviceRequests() {
    }

    /**
     * A device to register as pending onboarding (onboarding calls this when it creates a
     * token).
     *
     * @param id not accepted: the server assigns device ids, so a caller can never learn
     * whether an id it chose exists (at another customer); present only to refuse it with
     * a field error
     * @param customerId the owning customer: required from a platform admin, otherwise
     * one's own
     * @param name display name; without it {@code device-} and the first 8 hex digits of
     * the id
     * @param environment {@code TESTING} (default), {@code STAGING} or {@code PRODUCTION}
     * @param machineId the machine it is attached to (masterdata), if any
     * @param labels up to 32 free labels
     */
    record Register(@Schema(hidden = true) @Null(message = "is assigned by the server; leave it out") UUID id,
            UUID customerId,
            @Size(max = 200) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String name,
            @Pattern(regexp = "TESTING|STAGING|PRODUCTION",
                    message = "must be one of TESTING, STAGING, PRODUCTION") @Schema(
                            implementation = Environment.class) String environment,
            UUID machineId,
            @Size(max = 32) Map<@NotNull @Pattern(regexp = Labels.KEY,
                    message = "label keys must be 1 to 63 letters, digits or"
                            + " . _ / -, starting and ending with a letter or digit") String, @NotNull @Size(
                                    max = 256) @Pattern(regexp = "[^\\p{Cntrl}]*",
                                            message = "label values must not contain control characters") String> labels) {
    }

    /**
     * Moves a device to another environment.
     *
     * @param environment the new environment
     */
    record Move(@NotNull @Pattern(regexp = "TESTING|STAGING|PRODUCTION",
            message = "must be one of TESTING, STAGING, PRODUCTION") @Schema(
                    implementation = Environment.class) String environment) {
    }

    /**
     * Asks to move a device out of STAGING or PRODUCTION into a lower environment; a
     * second person approves.
     *
     * @param deviceId the device
     * @param targetEnvironment {@code TESTING} or (from PRODUCTION) {@code STAGING}
     */
    record MoveRequest(@NotNull UUID deviceId,
            @NotNull @Pattern(regexp = "TESTING|STAGING", message = "must be TESTING or STAGING") @Schema(
                    implementation = Environment.class) String targetEnvironment) {
    }

    /**
     * Pins one device to a release of its customer.
     *
     * @param releaseId the release
     */
    record ReleaseOverride(@NotNull UUID releaseId) {
    }

    /**
     * Onboarding issued a certificate for the device (internal).
     *
     * @param customerId the device's customer
     * @param serial the certificate serial, hex
     * @param notBefore start of validity
     * @param notAfter end of validity
     */
    record Certificate(@NotNull UUID customerId,
            @NotNull @Pattern(regexp = "[0-9a-fA-F]{1,64}", message = "must be 1 to 64 hex digits") String serial,
            @NotNull Instant notBefore, @NotNull Instant notAfter) {
    }

    /**
     * Certificates onboarding issued (internal), taken all together or not at all.
     *
     * @param certificates 1 to 500
     */
    record CertificateBatch(@NotNull @Size(min = 1, max = 500) List<@NotNull @Valid IssuedCertificate> certificates) {
    }

    /**
     * One certificate of a {@link CertificateBatch}.
     *
     * @param deviceId the device it was issued to
     * @param certificate the certificate, as {@code PUT .../certificate} takes it
     */
    record IssuedCertificate(@NotNull UUID deviceId, @NotNull @Valid Certificate certificate) {
    }

    /**
     * Connectivity changes from monitoring (internal).
     *
     * @param events up to 1000 changes
     */
    record ConnectivityBatch(@NotNull @Size(max = 1000) List<@NotNull @Valid ConnectivityEvent> events) {
    }

    /**
     * A device went online or offline.
     *
     * @param deviceId the device
     * @param customerId its customer
     * @param online whether it is online
     * @param at when monitoring saw the change
     */
    record ConnectivityEvent(@NotNull UUID deviceId, @NotNull UUID customerId, @NotNull Boolean online,
            @NotNull Instant at) {
    }

}
