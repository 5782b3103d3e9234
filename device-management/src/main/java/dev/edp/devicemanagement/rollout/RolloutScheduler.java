package dev.edp.devicemanagement.rollout;

import java.time.Clock;

import dev.edp.platform.audit.Clocks;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Moves running rollouts on, every
 * {@code edp.device-management.rollouts.evaluate-interval} (default 5 s), on one replica
 * at a time (ShedLock {@code device-management-rollouts}). One pass: time out the overdue
 * devices of active groups (one UPDATE), count every active group (one GROUP BY), decide
 * each group that has an outcome in its own transaction ({@link RolloutService#decide}).
 * Every transition is guarded in the database, so passes racing without the lock still
 * never apply one twice. That is why the lock may expire early ({@code lockAtMostFor} 1
 * minute, a pass takes milliseconds to seconds): a replica killed while holding it stops
 * rollouts for at most a minute (the platform fault test kills one in a rollout).
 */
@Component
class RolloutScheduler {

    private static final Logger log = LoggerFactory.getLogger(RolloutScheduler.class);

    private final RolloutRepository repository;

    private final RolloutService rollouts;

    private final Clock clock;

    RolloutScheduler(RolloutRepository repository, RolloutService rollouts, Clock clock) {
        this.repository = repository;
        this.rollouts = rollouts;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${edp.device-management.rollouts.evaluate-interval:5s}",
            initialDelayString = "${edp.device-management.rollouts.evaluate-interval:5s}")
    @SchedulerLock(name = "device-management-rollouts", lockAtMostFor = "PT1M")
    public void evaluate() {
        try {
            pass();
        }
        catch (RuntimeException ex) {
            log.warn("Rollouts not evaluated: {}", ex.getMessage());
        }
    }

    /** One pass over every running rollout; safe to run concurrently with another. */
    void pass() {
        repository.timeOut(Clocks.now(clock));
        for (RolloutRepository.Active active : repository.activeGroups()) {
            try {
                rollouts.decide(active);
            }
            catch (RuntimeException ex) {
                log.warn("Rollout {} not evaluated: {}", active.rolloutId(), ex.getMessage());
            }
        }
    }

}
