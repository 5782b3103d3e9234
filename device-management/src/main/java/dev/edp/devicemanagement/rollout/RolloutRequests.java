package dev.edp.devicemanagement.rollout;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the rollout API besides the {@link RolloutPlan}. */
final class RolloutRequests {

    private RolloutRequests() {
    }

    /**
     * A rollout to start (TESTING) or preview (any environment): the release, the
     * environment and the plan's members.
     *
     * @param customerId the customer: required from a platform admin, otherwise one's own
     * @param releaseId a release of the customer
     * @param environment TESTING, STAGING or PRODUCTION
     * @param selector see {@link RolloutPlan}
     * @param groups see {@link RolloutPlan}
     * @param successThreshold see {@link RolloutPlan}
     * @param errorThreshold see {@link RolloutPlan}
     * @param groupTimeout see {@link RolloutPlan}
     * @param advance see {@link RolloutPlan}
     */
    record Create(UUID customerId, @NotNull UUID releaseId,
            @NotNull @Pattern(regexp = "TESTING|STAGING|PRODUCTION",
                    message = "must be TESTING, STAGING or PRODUCTION") String environment,
            @Valid RolloutPlan.Selector selector, @Size(max = 64) List<RolloutPlan.@Valid Group> groups,
            Integer successThreshold, Integer errorThreshold, @Size(max = 32) String groupTimeout,
            @Size(max = 16) String advance) {

        /**
         * @return the plan this request carries
         */
        RolloutPlan plan() {
            return new RolloutPlan(selector, groups, successThreshold, errorThreshold, groupTimeout, advance);
        }
    }

}
