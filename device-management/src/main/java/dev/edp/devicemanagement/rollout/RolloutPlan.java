package dev.edp.devicemanagement.rollout;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * How a rollout runs, as a caller writes it: in the body of {@code POST /rollouts}, of a
 * rollback, and as the {@code rollout} of a promotion request. Checked by
 * {@link Plans#validate}; absent values take the defaults there.
 *
 * @param selector which devices of the environment, or null for all
 * @param groups 1 to 10 groups, filled in order; the last takes every remaining device
 * @param successThreshold percent of a group READY for it to succeed (1-100, default 95)
 * @param errorThreshold percent FAILED + TIMED_OUT above which the rollout pauses (0-100,
 * default 5)
 * @param groupTimeout ISO-8601 duration from a group's start, PT1M to P7D (default PT30M)
 * @param advance {@code AUTO} (default) or {@code MANUAL}
 */
public record RolloutPlan(@Valid Selector selector, @Size(max = 64) List<@Valid Group> groups, Integer successThreshold,
        Integer errorThreshold, @Size(max = 32) String groupTimeout, @Size(max = 16) String advance) {

    /**
     * Narrows the environment's devices.
     *
     * @param labels every one of these labels
     * @param machineId devices on this machine
     */
    public record Selector(@Size(max = 32) Map<@NotNull @Size(min = 1, max = 64) @Pattern(regexp = "[^\\p{Cntrl}]*",
            message = "labels must not contain control characters") String, @NotNull @Size(max = 256) @Pattern(
                    regexp = "[^\\p{Cntrl}]*", message = "labels must not contain control characters") String> labels,
            UUID machineId) {
    }

    /**
     * One group.
     *
     * @param size {@code "N%"} (1-100, of the total, rounded up) or {@code "N"} devices
     * (1 or more)
     * @param successThreshold overrides the rollout's
     * @param errorThreshold overrides the rollout's
     * @param timeout overrides the rollout's {@code groupTimeout}
     */
    public record Group(@Size(max = 16) String size, Integer successThreshold, Integer errorThreshold,
            @Size(max = 32) String timeout) {
    }

}
