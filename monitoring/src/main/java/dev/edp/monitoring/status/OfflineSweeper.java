package dev.edp.monitoring.status;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.edp.monitoring.config.MonitoringProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Takes devices offline that sent no heartbeat for {@code edp.monitoring.offline-after},
 * on one replica at a time (ShedLock), and keeps the online/offline gauges (every replica
 * counts for itself: take {@code max}, not {@code sum}, across replicas).
 */
@Component
class OfflineSweeper {

    private static final Logger log = LoggerFactory.getLogger(OfflineSweeper.class);

    private final StatusRepository status;

    private final Clock clock;

    private final MonitoringProperties properties;

    private final Counter wentOffline;

    private final AtomicLong online = new AtomicLong();

    private final AtomicLong offline = new AtomicLong();

    OfflineSweeper(StatusRepository status, Clock clock, MonitoringProperties properties, MeterRegistry meters) {
        this.status = status;
        this.clock = clock;
        this.properties = properties;
        this.wentOffline = Counter.builder("edp.devices.went.offline")
            .description("Devices the sweep took offline")
            .register(meters);
        Gauge.builder("edp.devices.online", online, AtomicLong::get).description("Devices online").register(meters);
        Gauge.builder("edp.devices.offline", offline, AtomicLong::get).description("Devices offline").register(meters);
    }

    @Scheduled(fixedDelayString = "${edp.monitoring.sweep-interval:5s}")
    @SchedulerLock(name = "monitoring-offline-sweep", lockAtMostFor = "PT30S")
    public void sweep() {
        Instant now = clock.instant();
        List<StatusRepository.WentOffline> gone = status.markOffline(now.minus(properties.offlineAfter()), now);
        if (!gone.isEmpty()) {
            wentOffline.increment(gone.size());
            log.info("{} devices went offline", gone.size());
        }
    }

    @Scheduled(initialDelay = 0, fixedDelayString = "${edp.monitoring.sweep-interval:5s}")
    public void count() {
        Map<String, Long> counts = status.countByConnectivity();
        online.set(counts.getOrDefault("ONLINE", 0L));
        offline.set(counts.getOrDefault("OFFLINE", 0L));
    }

}
