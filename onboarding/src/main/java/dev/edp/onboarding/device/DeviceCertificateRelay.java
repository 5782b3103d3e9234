package dev.edp.onboarding.device;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.edp.platform.client.ServiceCallException;
import dev.edp.platform.client.ServiceCalls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClientException;

/**
 * Delivers {@link DeviceCertificateOutbox} rows to device-management:
 * {@code PUT /api/devices/v1/internal/devices/{deviceId}/certificate} with this service's own token
 * ({@link ServiceCalls}; no user is behind an enrollment). A 2xx deletes the row; anything else keeps
 * it and retries with exponential backoff ({@code edp.onboarding.device-outbox.*}). Several replicas
 * may run this at once: rows are claimed with {@code FOR UPDATE SKIP LOCKED}.
 */
@Component
public class DeviceCertificateRelay {

    private static final Logger log = LoggerFactory.getLogger(DeviceCertificateRelay.class);

    private final DeviceCertificateOutbox outbox;
    private final ServiceCalls calls;
    private final TransactionTemplate transactions;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int batchSize;

    DeviceCertificateRelay(DeviceCertificateOutbox outbox, ServiceCalls calls, TransactionTemplate transactions,
            @Value("${edp.onboarding.device-outbox.initial-backoff:PT2S}") Duration initialBackoff,
            @Value("${edp.onboarding.device-outbox.max-backoff:PT5M}") Duration maxBackoff,
            @Value("${edp.onboarding.device-outbox.batch-size:50}") int batchSize) {
        this.outbox = outbox;
        this.calls = calls;
        this.transactions = transactions;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.batchSize = batchSize;
    }

    /** One pass over the due rows; returns how many were delivered. */
    @Scheduled(initialDelayString = "${edp.onboarding.device-outbox.interval:PT1S}",
            fixedDelayString = "${edp.onboarding.device-outbox.interval:PT1S}")
    public int relayDue() {
        Integer delivered = transactions.execute(status -> {
            int sent = 0;
            for (DeviceCertificateOutbox.Pending row : outbox.claimDue(batchSize)) {
                try {
                    send(row);
                    outbox.delivered(row.id());
                    sent++;
                }
                catch (ServiceCallException | RestClientException | IllegalStateException ex) {
                    // IllegalStateException: the load balancer knows no device-management instance.
                    Duration backoff = backoff(row.attempts());
                    outbox.failed(row.id(), Instant.now().plus(backoff), ex.getClass().getSimpleName() + ": "
                            + ex.getMessage());
                    log.warn("device-management did not take certificate {} of device {} (attempt {}): {}; retrying in {}",
                            row.serial(), row.deviceId(), row.attempts() + 1, ex.getMessage(), backoff);
                    // Stop here: the rest of the batch would most likely fail the same way, and the
                    // claimed rows stay locked for as long as this transaction runs.
                    break;
                }
            }
            return sent;
        });
        return delivered == null ? 0 : delivered;
    }

    private void send(DeviceCertificateOutbox.Pending row) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customerId", row.customerId().toString());
        body.put("serial", row.serial());
        body.put("notBefore", DateTimeFormatter.ISO_INSTANT.format(row.notBefore()));
        body.put("notAfter", DateTimeFormatter.ISO_INSTANT.format(row.notAfter()));
        calls.to("device-management").put().uri("/api/devices/v1/internal/devices/{id}/certificate", row.deviceId())
                .contentType(MediaType.APPLICATION_JSON).body(body).retrieve().toBodilessEntity();
    }

    /** initial × 2^attempts, capped. */
    Duration backoff(int attempts) {
        Duration backoff = initialBackoff.multipliedBy(1L << Math.min(attempts, 20));
        return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
    }
}
