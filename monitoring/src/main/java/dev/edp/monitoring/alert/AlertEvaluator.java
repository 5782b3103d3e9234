package dev.edp.monitoring.alert;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.edp.monitoring.health.ServiceHealthChanged;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Evaluates the device rules every {@code edp.monitoring.alerts.evaluate-interval} on one
 * replica at a time (ShedLock), turns service health changes into platform alerts, and
 * keeps the {@code edp_alerts_open} gauge (counted by every replica: take {@code max}
 * across replicas).
 */
@Component
@EnableConfigurationProperties(AlertProperties.class)
class AlertEvaluator {

    private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);

    private final AlertService service;

    private final AlertRepository alerts;

    private final Map<AlertType, AtomicLong> open = new EnumMap<>(AlertType.class);

    AlertEvaluator(AlertService service, AlertRepository alerts, MeterRegistry meters) {
        this.service = service;
        this.alerts = alerts;
        for (AlertType type : AlertType.values()) {
            AtomicLong count = new AtomicLong();
            open.put(type, count);
            Gauge.builder("edp.alerts.open", count, AtomicLong::get)
                .tag("type", type.name())
                .description("Open alerts")
                .register(meters);
        }
    }

    @Scheduled(fixedDelayString = "${edp.monitoring.alerts.evaluate-interval:5s}")
    @SchedulerLock(name = "monitoring-alert-evaluation", lockAtMostFor = "PT30S")
    public void evaluate() {
        AlertService.Changes changes = service.evaluate();
        if (!changes.isEmpty()) {
            log.info("Alert evaluation opened {} and resolved {} alerts", changes.opened().size(),
                    changes.resolved().size());
        }
    }

    @Scheduled(initialDelay = 0, fixedDelayString = "${edp.monitoring.alerts.evaluate-interval:5s}")
    public void count() {
        Map<AlertType, Long> counts = alerts.countOpen();
        open.forEach((type, count) -> count.set(counts.getOrDefault(type, 0L)));
    }

    /** Published by the service health checker (on the replica that holds its lock). */
    @EventListener
    public void serviceHealthChanged(ServiceHealthChanged change) {
        try {
            service.serviceHealth(change.service(), change.instance(), change.up(), change.detail(), change.at());
        }
        catch (RuntimeException ex) {
            // The checker must go on; the next change (or the next down report) tries
            // again.
            log.warn("Recording the health change of {}/{} failed: {}", change.service(), change.instance(),
                    ex.getMessage());
        }
    }

}
