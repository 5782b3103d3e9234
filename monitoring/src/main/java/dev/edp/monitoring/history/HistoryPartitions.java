package dev.edp.monitoring.history;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.edp.monitoring.config.MonitoringProperties;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The daily partitions of {@code heartbeat_history} (UTC days, named
 * {@code heartbeat_history_pYYYYMMDD}): created two days ahead, and on demand by a flush
 * that needs one; dropped as a whole once they are older than
 * {@code edp.monitoring.history-retention}, which costs no row-by-row delete and no
 * vacuum.
 */
@Component
public class HistoryPartitions {

    private static final Logger log = LoggerFactory.getLogger(HistoryPartitions.class);

    private static final String PREFIX = "heartbeat_history_p";

    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private final JdbcClient jdbc;

    private final Clock clock;

    private final MonitoringProperties properties;

    private final Set<LocalDate> known = ConcurrentHashMap.newKeySet();

    HistoryPartitions(JdbcClient jdbc, Clock clock, MonitoringProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * Makes sure the partition holding this instant exists.
     * @param instant a history bucket
     */
    public void ensureFor(Instant instant) {
        LocalDate day = LocalDate.ofInstant(instant, ZoneOffset.UTC);
        if (known.contains(day)) {
            return;
        }
        try {
            jdbc.sql("CREATE TABLE IF NOT EXISTS " + PREFIX + DAY.format(day) + " PARTITION OF heartbeat_history"
                    + " FOR VALUES FROM ('" + day + " 00:00:00+00') TO ('" + day.plusDays(1) + " 00:00:00+00')")
                .update();
        }
        catch (DataAccessException ex) {
            // Another replica created it at the same moment.
            if (!partitions().contains(day)) {
                throw ex;
            }
        }
        known.add(day);
    }

    /** Hourly on one replica, and right after start. */
    @Scheduled(initialDelay = 0, fixedDelayString = "PT1H")
    @SchedulerLock(name = "monitoring-history-partitions", lockAtMostFor = "PT10M")
    public void maintain() {
        maintain(clock.instant());
    }

    /**
     * Creates today's and the next two days' partitions and drops those entirely older
     * than the retention.
     * @param now the current time
     * @return the days whose partitions were dropped
     */
    public List<LocalDate> maintain(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (int ahead = 0; ahead <= 2; ahead++) {
            ensureFor(today.plusDays(ahead).atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        Instant keepFrom = now.minus(properties.historyRetention());
        List<LocalDate> dropped = new ArrayList<>();
        for (LocalDate day : partitions()) {
            if (!day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(keepFrom)) {
                jdbc.sql("DROP TABLE IF EXISTS " + PREFIX + DAY.format(day)).update();
                known.remove(day);
                dropped.add(day);
            }
        }
        if (!dropped.isEmpty()) {
            log.info("Dropped heartbeat history partitions {} (retention {})", dropped, properties.historyRetention());
        }
        return dropped;
    }

    /**
     * @return the days that have a partition, oldest first
     */
    public List<LocalDate> partitions() {
        return jdbc.sql("""
                SELECT c.relname FROM pg_inherits i
                JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_class p ON p.oid = i.inhparent
                JOIN pg_namespace n ON n.oid = p.relnamespace
                WHERE p.relname = 'heartbeat_history' AND n.nspname = current_schema()
                ORDER BY c.relname""")
            .query(String.class)
            .list()
            .stream()
            .filter(name -> name.startsWith(PREFIX))
            .map(name -> LocalDate.parse(name.substring(PREFIX.length()), DAY))
            .toList();
    }

}
