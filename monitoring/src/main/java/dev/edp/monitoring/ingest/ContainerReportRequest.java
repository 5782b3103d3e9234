package dev.edp.monitoring.ingest;

import java.util.HashSet;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What runs on a device. Without {@code containers} (e.g. {@code {}}, E3's health check)
 * nothing changes; with a list, it replaces what the device reported before.
 *
 * @param containers every container on the device
 */
record ContainerReportRequest(@Size(max = 200) List<@NotNull @Valid Container> containers) {

    /** The platform's container states. */
    static final String STATES = "reconciling|not ready|ready|reconciliation failed|deleting";

    @AssertTrue(message = "container names must be unique")
    boolean isNamesUnique() {
        return containers == null
                || containers.stream().filter(c -> c != null).map(Container::name).allMatch(new HashSet<String>()::add);
    }

    /**
     * One container.
     *
     * @param name its name on the device
     * @param image the image it runs
     * @param state one of {@value #STATES}
     * @param message what the agent says about it
     */
    record Container(
            @NotBlank @Size(max = 253) @Pattern(regexp = HeartbeatRequest.NO_NUL,
                    message = HeartbeatRequest.NUL_MESSAGE) String name,
            @Size(max = 512) @Pattern(regexp = HeartbeatRequest.NO_NUL,
                    message = HeartbeatRequest.NUL_MESSAGE) String image,
            @NotNull @Pattern(regexp = STATES, message = "must be one of " + STATES) String state,
            @Size(max = 2000) @Pattern(regexp = HeartbeatRequest.NO_NUL,
                    message = HeartbeatRequest.NUL_MESSAGE) String message) {
    }
}
