package dev.edp.devicemanagement.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.edp.devicemanagement.device.Environment;
import dev.edp.platform.audit.Stamp;

/**
 * A rollout as the API shows it. Its stamp shows as the members
 * {@code version, createdAt, createdBy, updatedAt, updatedBy}.
 *
 * @param id the rollout
 * @param customerId its customer
 * @param releaseId the release it takes to the devices
 * @param releaseName that release's name
 * @param previousReleaseId the environment's pin when it started (what a rollback returns
 * to), or null
 * @param environment the target environment
 * @param selector {@code labels} and {@code machineId} narrowing the environment
 * @param advance AUTO or MANUAL
 * @param successThreshold the rollout's default
 * @param errorThreshold the rollout's default
 * @param groupTimeout the rollout's default
 * @param status where it stands
 * @param pauseReason why it paused (kept after a resume until the next pause)
 * @param promotionId the approved promotion that started it, or null
 * @param rollbackOf the rollout it rolls back, or null
 * @param total its target devices
 * @param excluded matching devices left out because of a release override
 * @param activeGroup the index (from 0) of the group started last, or null
 * @param groups its groups, in order
 * @param stamp version and who created and changed it when
 */
record Rollout(UUID id, UUID customerId, UUID releaseId, String releaseName, UUID previousReleaseId,
        Environment environment, Map<String, Object> selector, String advance, int successThreshold, int errorThreshold,
        String groupTimeout, RolloutStatus status, String pauseReason, UUID promotionId, UUID rollbackOf, int total,
        int excluded, Integer activeGroup, List<Group> groups, @JsonUnwrapped Stamp stamp) {

    /**
     * @return a copy with these groups
     */
    Rollout withGroups(List<Group> groups) {
        return new Rollout(id, customerId, releaseId, releaseName, previousReleaseId, environment, selector, advance,
                successThreshold, errorThreshold, groupTimeout, status, pauseReason, promotionId, rollbackOf, total,
                excluded, activeGroup, groups, stamp);
    }

    /**
     * @return the group at that index
     */
    Group group(int index) {
        return groups.get(index);
    }

    /**
     * One group.
     *
     * @param index from 0
     * @param size as planned ({@code "10%"} or {@code "5"})
     * @param plannedSize its number of devices
     * @param successThreshold percent READY for success
     * @param errorThreshold percent FAILED + TIMED_OUT above which the rollout pauses
     * @param timeout from its start (and from a resume)
     * @param status PENDING, ACTIVE, SUCCEEDED or FAILED
     * @param startedAt when it started
     * @param finishedAt when it was decided
     * @param counts its devices by status
     */
    record Group(int index, String size, int plannedSize, int successThreshold, int errorThreshold, String timeout,
            String status, Instant startedAt, Instant finishedAt, Counts counts) {

        /**
         * @return a copy with these counts
         */
        Group withCounts(Counts counts) {
            return new Group(index, size, plannedSize, successThreshold, errorThreshold, timeout, status, startedAt,
                    finishedAt, counts);
        }
    }

    /**
     * A group's devices by status.
     *
     * @param pending PENDING
     * @param assigned ASSIGNED
     * @param reconciling RECONCILING
     * @param ready READY
     * @param failed FAILED
     * @param timedOut TIMED_OUT
     */
    record Counts(long pending, long assigned, long reconciling, long ready, long failed, long timedOut) {

        static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

        /**
         * @return these counts with {@code n} more devices of that status
         */
        Counts plus(RolloutDeviceStatus status, long n) {
            return switch (status) {
                case PENDING -> new Counts(pending + n, assigned, reconciling, ready, failed, timedOut);
                case ASSIGNED -> new Counts(pending, assigned + n, reconciling, ready, failed, timedOut);
                case RECONCILING -> new Counts(pending, assigned, reconciling + n, ready, failed, timedOut);
                case READY -> new Counts(pending, assigned, reconciling, ready + n, failed, timedOut);
                case FAILED -> new Counts(pending, assigned, reconciling, ready, failed + n, timedOut);
                case TIMED_OUT -> new Counts(pending, assigned, reconciling, ready, failed, timedOut + n);
            };
        }

        /**
         * @return every device counted
         */
        long total() {
            return pending + assigned + reconciling + ready + failed + timedOut;
        }
    }

    /**
     * One device of a rollout.
     *
     * @param deviceId the device
     * @param deviceName its name
     * @param group its group's index
     * @param status where it stands
     * @param reason why it failed or timed out
     * @param deliveredAt when the desired state first handed it the release
     * @param updatedAt its last change
     */
    record Device(UUID deviceId, String deviceName, int group, RolloutDeviceStatus status, String reason,
            Instant deliveredAt, Instant updatedAt) {
    }

    /**
     * One entry of a device's history, oldest first.
     *
     * @param status the status it went to
     * @param reason why, if told
     * @param at when
     */
    record Event(RolloutDeviceStatus status, String reason, Instant at) {
    }

    /**
     * What a rollout would do, nothing written.
     *
     * @param total its target devices
     * @param excluded matching devices with a release override
     * @param groups each group's size and up to 10 of its devices
     */
    record Preview(int total, int excluded, List<PreviewGroup> groups) {
    }

    /**
     * @param index from 0
     * @param size its number of devices
     * @param sample up to 10 of them, in rollout order
     */
    record PreviewGroup(int index, int size, List<Sample> sample) {
    }

    /**
     * @param deviceId the device
     * @param name its name
     * @param connectivity ONLINE, OFFLINE or UNKNOWN
     */
    record Sample(UUID deviceId, String name, String connectivity) {
    }

}
