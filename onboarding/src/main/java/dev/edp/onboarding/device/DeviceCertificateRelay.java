package dev.edp.onboarding.device;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.edp.onboarding.OnboardingProperties;
import dev.edp.platform.client.OutboxMetrics;
import dev.edp.platform.client.OutboxRelay;
import dev.edp.platform.client.OutboxRetries;
import dev.edp.platform.client.ServiceCalls;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClientResponseException;

/**
 * Delivers {@link DeviceCertificateOutbox} rows to device-management through the
 * starter's {@link OutboxRelay}: {@code PUT
 * /api/devices/v1/internal/devices/{deviceId}/certificate} with this service's own token
 * ({@link ServiceCalls}; no user is behind an enrollment). A 2xx deletes the row. A 4xx
 * other than 401/408/429 is a permanent refusal: the row is marked dead (kept with
 * {@code dead_at} and {@code last_error}, never sent again). Anything else (5xx, 401,
 * 408, 429, no connection, no service token, no instance) keeps it and retries with
 * exponential backoff ({@code edp.onboarding.device-outbox.*}) until {@code max-attempts}
 * failed attempts, after which it is dead as well. Several replicas may run this at once:
 * rows are claimed with {@code FOR UPDATE SKIP LOCKED}.
 *
 * <p>
 * Metrics: {@code edp_outbox_pending{outbox="device-certificates"}} (rows not yet
 * delivered and not dead) and {@code edp_outbox_dead_total{outbox="device-certificates"}}
 * (rows given up on).
 */
@Component
public class DeviceCertificateRelay {

    static final String OUTBOX = "device-certificates";

    /**
     * device-management's limit for {@code POST /api/devices/v1/internal/certificates}.
     */
    static final int MAX_ROWS_PER_CALL = 500;

    /** Batches one pass sends at most while they come back full. */
    static final int MAX_BATCHES_PER_PASS = 20;

    private static final Logger log = LoggerFactory.getLogger(DeviceCertificateRelay.class);

    private final DeviceCertificateOutbox outbox;

    private final ServiceCalls calls;

    private final JsonMapper json;

    private final OutboxRetries retries;

    private final OutboxMetrics metrics;

    private final OutboxRelay<DeviceCertificateOutbox.Pending> relay;

    DeviceCertificateRelay(DeviceCertificateOutbox outbox, ServiceCalls calls, TransactionTemplate transactions,
            JsonMapper json, MeterRegistry meters, OnboardingProperties properties) {
        OnboardingProperties.DeviceOutbox settings = properties.deviceOutbox();
        this.outbox = outbox;
        this.calls = calls;
        this.json = json;
        this.retries = new OutboxRetries(settings.initialBackoff(), settings.maxBackoff(), settings.maxAttempts());
        this.metrics = OutboxMetrics.register(meters, OUTBOX, outbox::pending);
        // A batch in one call (device-management takes up to 500), and batches while they
        // come back full: one batch per pass capped announcements at batch-size per
        // interval (50/s) while enrollment issues more.
        this.relay = OutboxRelay.of(new Rows())
            .batchSize(settings.batchSize())
            .rowsPerCall(Math.min(settings.batchSize(), MAX_ROWS_PER_CALL))
            .maxBatchesPerPass(MAX_BATCHES_PER_PASS)
            .transactions(transactions)
            .build();
    }

    /** One pass over the due rows; returns how many were delivered. */
    @Scheduled(initialDelayString = "${edp.onboarding.device-outbox.interval:PT1S}",
            fixedDelayString = "${edp.onboarding.device-outbox.interval:PT1S}")
    public int relayDue() {
        return relay.pass();
    }

    /**
     * The outbox's rows as the relay handles them; a refusal of one row says nothing
     * about the others (the relay halves a refused call down to the row refused alone).
     */
    private final class Rows implements OutboxRelay.Outbox<DeviceCertificateOutbox.Pending> {

        @Override
        public List<DeviceCertificateOutbox.Pending> claim(int limit) {
            return outbox.claimDue(limit);
        }

        @Override
        public void send(List<DeviceCertificateOutbox.Pending> rows) {
            DeviceCertificateRelay.this.send(rows);
        }

        @Override
        public void delivered(List<DeviceCertificateOutbox.Pending> rows) {
            outbox.delivered(ids(rows));
        }

        @Override
        public void refused(List<DeviceCertificateOutbox.Pending> rows, RuntimeException ex) {
            DeviceCertificateOutbox.Pending row = rows.getFirst();
            RestClientResponseException refused = (RestClientResponseException) ex;
            String code = problemCode(refused);
            outbox.dead(List.of(row.id()),
                    "HTTP " + refused.getStatusCode().value() + " " + code + ": " + refused.getResponseBodyAsString());
            metrics.gaveUp(1);
            log.warn(
                    "device-management refused outbox row {} (certificate {} of device {}) permanently "
                            + "with {} {}; giving up on it",
                    row.id(), row.serial(), row.deviceId(), refused.getStatusCode().value(), code);
        }

        /**
         * Backs the call's rows off (one statement), or gives up on those after their
         * last attempt. The relay stops the pass here: the rest of the batch would most
         * likely fail the same way.
         */
        @Override
        public void failed(List<DeviceCertificateOutbox.Pending> rows, RuntimeException ex) {
            // IllegalStateException: the load balancer knows no device-management
            // instance.
            String error = ex.getClass().getSimpleName() + ": " + ex.getMessage();
            List<DeviceCertificateOutbox.Pending> exhausted = rows.stream()
                .filter(row -> retries.exhausted(row.attempts() + 1))
                .toList();
            List<DeviceCertificateOutbox.Pending> retried = rows.stream()
                .filter(row -> !retries.exhausted(row.attempts() + 1))
                .toList();
            if (!exhausted.isEmpty()) {
                outbox.dead(ids(exhausted), error);
                metrics.gaveUp(exhausted.size());
                log.warn("device-management did not take outbox rows {} in {} attempts; giving up on them: {}",
                        ids(exhausted), retries.maxAttempts(), error);
            }
            if (!retried.isEmpty()) {
                int attempt = retried.stream().mapToInt(DeviceCertificateOutbox.Pending::attempts).max().orElse(0) + 1;
                Duration backoff = retries.backoff(attempt);
                outbox.failed(ids(retried), Instant.now().plus(backoff), error);
                log.warn("device-management did not take {} certificate(s) (attempt {}): {}; retrying in {}",
                        retried.size(), attempt, ex.getMessage(), backoff);
            }
        }

    }

    private static List<Long> ids(List<DeviceCertificateOutbox.Pending> rows) {
        return rows.stream().map(DeviceCertificateOutbox.Pending::id).toList();
    }

    /** The receiver's problem code ({@code code} of its problem+json), or {@code -}. */
    private String problemCode(RestClientResponseException ex) {
        try {
            JsonNode code = json.readTree(ex.getResponseBodyAsString()).get("code");
            return code != null && code.isString() ? code.asString() : "-";
        }
        catch (RuntimeException notJson) {
            return "-";
        }
    }

    /**
     * One row alone as {@code PUT .../devices/{id}/certificate} (what the relay's halving
     * ends in, and what a device-management without the batch endpoint still takes),
     * several as one {@code POST .../certificates}, which device-management takes all or
     * none of.
     */
    private void send(List<DeviceCertificateOutbox.Pending> rows) {
        if (rows.size() == 1) {
            DeviceCertificateOutbox.Pending row = rows.getFirst();
            calls.to("device-management")
                .put()
                .uri("/api/devices/v1/internal/devices/{id}/certificate", row.deviceId())
                .contentType(MediaType.APPLICATION_JSON)
                .body(certificate(row))
                .retrieve()
                .toBodilessEntity();
            return;
        }
        List<Map<String, Object>> certificates = rows.stream()
            .map(row -> Map.<String, Object>of("deviceId", row.deviceId().toString(), "certificate", certificate(row)))
            .toList();
        calls.to("device-management")
            .post()
            .uri("/api/devices/v1/internal/certificates")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("certificates", certificates))
            .retrieve()
            .toBodilessEntity();
    }

    private static Map<String, Object> certificate(DeviceCertificateOutbox.Pending row) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customerId", row.customerId().toString());
        body.put("serial", row.serial());
        body.put("notBefore", DateTimeFormatter.ISO_INSTANT.format(row.notBefore()));
        body.put("notAfter", DateTimeFormatter.ISO_INSTANT.format(row.notAfter()));
        return body;
    }

}
