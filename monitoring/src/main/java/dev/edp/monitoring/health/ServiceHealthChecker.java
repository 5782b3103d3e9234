package dev.edp.monitoring.health;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.edp.monitoring.batch.Isolated;
import dev.edp.monitoring.batch.Rejections;
import dev.edp.monitoring.live.LiveEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Polls the health of every registered service instance and of the configured extra URLs,
 * on one replica at a time (ShedLock). Keeps the current state per instance and a small
 * history (every transition, plus one sample per {@code sample-every}). On a transition
 * it publishes {@link ServiceHealthChanged} (an application event on this replica, after
 * the commit) and a {@code service.down} / {@code service.up} live event for platform
 * admins. An instance seen for the first time produces an event only if it is down.
 */
@Component
@EnableConfigurationProperties(HealthProperties.class)
class ServiceHealthChecker {

    private static final Logger log = LoggerFactory.getLogger(ServiceHealthChecker.class);

    private final HealthTargets targets;

    private final HealthProbe probe;

    private final ServiceHealthRepository repository;

    private final TransactionTemplate transactions;

    private final ApplicationEventPublisher events;

    private final LiveEvents live;

    private final HealthProperties properties;

    private final Clock clock;

    private final Rejections rejections;

    private final MultiGauge upGauge;

    ServiceHealthChecker(HealthTargets targets, HealthProbe probe, ServiceHealthRepository repository,
            TransactionTemplate transactions, ApplicationEventPublisher events, LiveEvents live,
            HealthProperties properties, Clock clock, Rejections rejections, MeterRegistry meters) {
        this.targets = targets;
        this.probe = probe;
        this.repository = repository;
        this.transactions = transactions;
        this.events = events;
        this.live = live;
        this.properties = properties;
        this.clock = clock;
        this.rejections = rejections;
        this.upGauge = MultiGauge.builder("edp.service.health.up")
            .description("1 when the last health check of the instance found it up, 0 when down")
            .register(meters);
    }

    @Scheduled(initialDelayString = "${edp.monitoring.health.interval:10s}",
            fixedDelayString = "${edp.monitoring.health.interval:10s}")
    @SchedulerLock(name = "monitoring-service-health", lockAtMostFor = "PT2M")
    public void scheduled() {
        try {
            checkAll(targets.all());
            repository.forgetNotCheckedSince(clock.instant().minus(properties.forgetAfter()));
        }
        catch (RuntimeException ex) {
            log.warn("Service health check failed: {}", ex.toString());
        }
    }

    /**
     * Checks these targets and records what changed.
     * @param checked what to check
     * @return the transitions, as published
     */
    List<ServiceHealthChanged> checkAll(List<HealthTarget> checked) {
        List<HealthProbe.Result> results = probe.check(checked);
        Instant now = clock.instant();
        List<ServiceHealthChanged> changes = transactions.execute(status -> record(results, now, status));
        for (ServiceHealthChanged change : changes) {
            if (change.up()) {
                log.info("{} {} is up again ({})", change.service(), change.instance(), change.detail());
            }
            else {
                log.warn("{} {} is down: {}", change.service(), change.instance(), change.detail());
            }
            events.publishEvent(change);
        }
        return changes;
    }

    /**
     * Each result in its own savepoint ({@link Isolated}): one that PostgreSQL refuses (a
     * registry instance id longer than the column, a strange detail) is dropped, counted
     * and logged, and the others are recorded.
     */
    private List<ServiceHealthChanged> record(List<HealthProbe.Result> results, Instant now, TransactionStatus tx) {
        Map<String, ServiceHealthResponse> known = repository.lockAll();
        List<ServiceHealthChanged> changes = new ArrayList<>();
        for (HealthProbe.Result result : results) {
            Isolated.write(tx, List.of(result), one -> record(result, known, now, changes))
                .refused()
                .forEach(refused -> rejections.dropped("service_health",
                        "service " + result.target().service() + " instance " + result.target().instance(), refused));
        }
        return changes;
    }

    private void record(HealthProbe.Result result, Map<String, ServiceHealthResponse> known, Instant now,
            List<ServiceHealthChanged> changes) {
        ServiceHealthResponse before = known
            .get(ServiceHealthRepository.key(result.target().service(), result.target().instance()));
        boolean transition = before == null || before.up() != result.up();
        boolean sample = transition || !before.sampledAt().plus(properties.sampleEvery()).isAfter(now);
        repository.save(result, transition ? now : before.since(), now, sample ? now : before.sampledAt());
        if (sample) {
            repository.history(result, transition, now);
        }
        if (transition && (before != null || !result.up())) {
            ServiceHealthChanged change = new ServiceHealthChanged(result.target().service(),
                    result.target().instance(), result.target().url(), result.up(), result.detail(), now);
            // In this transaction: the live event exists exactly when the transition
            // does.
            live.publish(null, result.up() ? "service.up" : "service.down", change);
            changes.add(change);
        }
    }

    /**
     * Every replica reads the shared state, so each one's gauge shows the same, current
     * picture.
     */
    @Scheduled(initialDelay = 0, fixedDelayString = "${edp.monitoring.health.interval:10s}")
    public void refreshGauge() {
        upGauge.register(repository.all()
            .stream()
            .map(state -> MultiGauge.Row.of(Tags.of("service", state.service(), "instance", state.instance()),
                    state.up() ? 1 : 0))
            .toList(), true);
    }

    @Scheduled(initialDelay = 60_000, fixedDelay = 3_600_000)
    @SchedulerLock(name = "monitoring-service-health-retention", lockAtMostFor = "PT10M")
    public void prune() {
        repository.deleteHistoryBefore(clock.instant().minus(properties.retention()));
    }

}
