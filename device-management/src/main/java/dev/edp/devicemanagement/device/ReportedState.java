package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What a device reports it runs, and how the API shows it. */
final class ReportedState {

    static final String STATES = "reconciling|not ready|ready|reconciliation failed|deleting";

    private ReportedState() {
    }

    /**
     * A device's report.
     *
     * @param agentVersion its agent's version
     * @param osVersion its OS version
     * @param releaseId the release it reconciles to, if any
     * @param containers every container it runs (replaces the previous report)
     */
    record Report(@Size(max = 64) String agentVersion, @Size(max = 128) String osVersion, UUID releaseId,
            @NotNull @Size(max = 64) List<@NotNull @Valid Container> containers) {
    }

    /**
     * One container on the device.
     *
     * @param name container name
     * @param image image reference it runs
     * @param state {@code reconciling}, {@code not ready}, {@code ready},
     * {@code reconciliation failed} or {@code deleting}
     * @param message detail, e.g. why reconciliation failed
     */
    record Container(@NotBlank @Size(max = 128) String name, @Size(max = 512) String image,
            @NotNull @Pattern(regexp = STATES, message = "must be one of reconciling, not ready, ready,"
                    + " reconciliation failed, deleting") String state,
            @Size(max = 1000) String message) {
    }

    /**
     * The last report, as the operator API shows it.
     *
     * @param deviceId the device
     * @param reportedAt when it reported, absent if never
     * @param releaseId the release it said it reconciles to
     * @param containers its containers
     */
    record Response(UUID deviceId, Instant reportedAt, UUID releaseId, List<Container> containers) {
    }

    /**
     * Devices of one environment with one connectivity and one lifecycle state.
     *
     * @param environment the environment
     * @param connectivity the connectivity
     * @param lifecycle PENDING_ONBOARDING or ACTIVE (decommissioned devices are not
     * counted)
     * @param devices how many
     */
    record SummaryRow(String environment, String connectivity, String lifecycle, long devices) {
    }

}
