package dev.edp.platform.client;

import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.web.client.RestClientResponseException;

/**
 * What every outbox relay reports and decides the same way:
 * {@code edp_outbox_pending{outbox}} (rows waiting, not dead),
 * {@code edp_outbox_dead_total{outbox}} (rows given up on), and which answers of the
 * receiving service are permanent refusals.
 */
public final class OutboxMetrics {

    private final Counter dead;

    private OutboxMetrics(Counter dead) {
        this.dead = dead;
    }

    /**
     * Registers the two meters of one outbox.
     * @param meters the registry
     * @param outbox the outbox's name (tag value), e.g. {@code device-events}
     * @param pending counts the rows waiting (called on every scrape; a failure reports
     * NaN)
     * @return the outbox's metrics
     */
    public static OutboxMetrics register(MeterRegistry meters, String outbox, Supplier<? extends Number> pending) {
        Counter dead = Counter.builder("edp.outbox.dead")
            .tag("outbox", outbox)
            .description("Outbox rows given up on (permanent refusal or too many attempts)")
            .register(meters);
        Gauge.builder("edp.outbox.pending", pending, OutboxMetrics::valueOrNaN)
            .tag("outbox", outbox)
            .description("Outbox rows waiting to be delivered (not dead)")
            .strongReference(true)
            .register(meters);
        return new OutboxMetrics(dead);
    }

    /**
     * Counts rows given up on.
     * @param rows how many
     */
    public void gaveUp(int rows) {
        dead.increment(rows);
    }

    /**
     * A 4xx answer other than 401 (this service's own token was not accepted: its
     * problem, not the rows'), 408 (timeout) and 429 (slow down): sending the same rows
     * again will not help.
     * @param answer the receiving service's answer
     * @return whether it is a permanent refusal
     */
    public static boolean isPermanentRefusal(RestClientResponseException answer) {
        int status = answer.getStatusCode().value();
        return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
    }

    private static double valueOrNaN(Supplier<? extends Number> pending) {
        try {
            return pending.get().doubleValue();
        }
        catch (RuntimeException ex) {
            return Double.NaN;
        }
    }

}
