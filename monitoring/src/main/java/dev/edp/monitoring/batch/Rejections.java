package dev.edp.monitoring.batch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Counts and logs records a batch writer dropped because PostgreSQL refused them:
 * {@code edp_monitoring_rejected_reports_total{kind,reason}} ({@code reason} is the
 * SQLState, a bounded set) and one warning per record naming the record (device id,
 * alert, channel…) and the reason, never the refused values.
 */
@Component
public class Rejections {

    private static final Logger log = LoggerFactory.getLogger(Rejections.class);

    private final MeterRegistry meters;

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    Rejections(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * @param kind what was dropped, e.g. {@code heartbeat}, {@code container_report}
     * @param subject which record, for people: e.g. {@code device 5f0e…}
     * @param refused the refusal
     */
    public void dropped(String kind, String subject, Isolated.Refused<?> refused) {
        counter(kind, refused.sqlState()).increment();
        log.warn("Dropped the {} of {}: PostgreSQL refused it (SQLState {}: {}); the rest of its batch was written",
                kind.replace('_', ' '), subject, refused.sqlState(), refused.reason());
    }

    /**
     * @param kind what was dropped
     * @param reason the SQLState, or who refused it
     * @return the counter
     */
    public Counter counter(String kind, String reason) {
        return counters.computeIfAbsent(kind + "/" + reason,
                key -> Counter.builder("edp.monitoring.rejected.reports")
                    .tag("kind", kind)
                    .tag("reason", String.valueOf(reason))
                    .description(
                            "Records dropped alone because they were refused (reason: the SQLState, or who refused)")
                    .register(meters));
    }

}
