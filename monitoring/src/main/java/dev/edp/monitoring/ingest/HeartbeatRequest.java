package dev.edp.monitoring.ingest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * A device's heartbeat, as its agent sends it.
 *
 * @param uptimeSeconds seconds since the device booted
 * @param agentVersion version of the device agent
 * @param osVersion version of the edge OS
 * @param cpuLoad CPU load in percent of all cores, 0 to 100
 * @param memory memory in use and installed
 * @param systemDisk the system partition
 * @param containerDisk the partition containers live on (about 35 GB on the usual device)
 * @param containers how many containers run, of how many deployed
 */
record HeartbeatRequest(@NotNull @PositiveOrZero Long uptimeSeconds,
        @NotBlank @Size(max = 64) @Pattern(regexp = HeartbeatRequest.NO_NUL,
                message = HeartbeatRequest.NUL_MESSAGE) String agentVersion,
        @Size(max = 128) @Pattern(regexp = HeartbeatRequest.NO_NUL,
                message = HeartbeatRequest.NUL_MESSAGE) String osVersion,
        @NotNull @DecimalMin("0") @DecimalMax("100") Double cpuLoad, @NotNull @Valid Usage memory,
        @NotNull @Valid Usage systemDisk, @NotNull @Valid Usage containerDisk, @NotNull @Valid Containers containers) {

    /**
     * Text without NUL: PostgreSQL's text cannot hold it, and since reports are written
     * in batches, one such value would fail the flush of every device in the batch, again
     * and again.
     */
    static final String NO_NUL = "[^\\x00]*";

    static final String NUL_MESSAGE = "must not contain NUL characters";

    /**
     * Bytes used of a total.
     *
     * @param usedBytes in use
     * @param totalBytes available in all
     */
    record Usage(@NotNull @PositiveOrZero Long usedBytes, @NotNull @PositiveOrZero Long totalBytes) {

        @AssertTrue(message = "usedBytes must not exceed totalBytes")
        boolean isUsedWithinTotal() {
            return usedBytes == null || totalBytes == null || usedBytes <= totalBytes;
        }
    }

    /**
     * Container summary.
     *
     * @param running containers running
     * @param total containers deployed
     */
    record Containers(@NotNull @PositiveOrZero Integer running, @NotNull @PositiveOrZero Integer total) {

        @AssertTrue(message = "running must not exceed total")
        boolean isRunningWithinTotal() {
            return running == null || total == null || running <= total;
        }
    }
}
