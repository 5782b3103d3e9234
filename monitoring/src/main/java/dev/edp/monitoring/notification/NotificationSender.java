package dev.edp.monitoring.notification;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.edp.monitoring.batch.Rejections;
import dev.edp.monitoring.batch.SqlFailures;
import dev.edp.platform.web.KeysetQuery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends due notifications from the outbox, on one replica at a time (ShedLock): e-mail
 * through {@link JavaMailSender} ({@code spring.mail.*}), webhooks as a JSON POST signed
 * with the channel's secret (decrypted for the call) over the attempt's time and the body
 * ({@link Webhooks}). A failed attempt is retried with exponential backoff; after
 * {@code max-attempts} the notification is FAILED with its last error. Delivery is at
 * least once: a crash between sending and recording sends again, with the same e-mail
 * {@code Message-ID} ({@link #messageId}) or webhook delivery header
 * ({@link Webhooks#DELIVERY_HEADER}), so the receiver can keep one. The lock is kept
 * alive while a round runs; a replica killed while it holds it delays the others by at
 * most its {@code lockAtMostFor} (30 s).
 * <p>
 * Before each call to a customer's webhook its host is resolved and every address checked
 * ({@link WebhookTargets}, unless {@code allow-private-webhook-targets}); a refused
 * target makes the notification FAILED at once, without a request. Redirects are never
 * followed, so a target cannot bounce the call to a private address either. The support
 * webhook from configuration is trusted.
 */
@Component
class NotificationSender {

    private static final Logger log = LoggerFactory.getLogger(NotificationSender.class);

    /**
     * Stop taking more of a batch after this long (the lock is kept alive meanwhile,
     * {@code SchedulingConfig}), so that a round ends and the next one reads what became
     * due.
     */
    private static final long ROUND_BUDGET_NANOS = 60_000_000_000L;

    /**
     * One due notification with its alert and channel (one query per round, no per-row
     * lookups).
     */
    record Due(long id, UUID channelId, String channelType, String event, int attempts, List<String> emails, String url,
            byte[] encryptedSecret, Payload.Alert alert) {
    }

    private final JdbcClient jdbc;

    private final NotificationProperties properties;

    private final NotificationProperties.Support support;

    private final ObjectProvider<JavaMailSender> mail;

    private final JsonMapper json;

    private final Clock clock;

    private final Rejections rejections;

    private final ChannelSecrets secrets;

    private final HttpClient http;

    private final MeterRegistry meters;

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    NotificationSender(JdbcClient jdbc, NotificationProperties properties, NotificationProperties.Support support,
            ObjectProvider<JavaMailSender> mail, JsonMapper json, Clock clock, ChannelSecrets secrets,
            Rejections rejections, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.support = support;
        this.mail = mail;
        this.json = json;
        this.clock = clock;
        this.rejections = rejections;
        this.secrets = secrets;
        this.meters = meters;
        this.http = HttpClient.newBuilder()
            .connectTimeout(properties.webhookTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
        for (String type : List.of("EMAIL", "WEBHOOK")) {
            counter("edp.notifications.sent", type);
            counter("edp.notifications.failed", type);
        }
    }

    @Scheduled(fixedDelayString = "${edp.monitoring.notifications.send-interval:2s}")
    @SchedulerLock(name = "monitoring-notification-send", lockAtMostFor = "PT30S")
    public void send() {
        long start = System.nanoTime();
        for (Due due : due()) {
            if (System.nanoTime() - start > ROUND_BUDGET_NANOS) {
                return;
            }
            try {
                deliver(due);
            }
            catch (DataAccessException ex) {
                if (SqlFailures.classify(ex) != SqlFailures.Kind.ROW) {
                    throw ex;
                }
                // Its outcome cannot be stored: give it up alone rather than retry it
                // (and stop the round) at every interval.
                String state = SqlFailures.sqlState(ex);
                jdbc.sql("""
                        UPDATE notification SET status = 'FAILED', attempts = attempts + 1, last_error = :error
                        WHERE id = :id AND status = 'PENDING'""")
                    .param("id", due.id())
                    .param("error", "The outcome of this attempt could not be stored (SQLState " + state + ")")
                    .update();
                rejections.counter("notification", state).increment();
                log.warn("Notification {} given up: its outcome could not be stored (SQLState {}: {})", due.id(), state,
                        SqlFailures.describe(state, ex));
            }
        }
    }

    /**
     * Sends a test message to one channel now, outside the outbox (nothing is stored), so
     * a customer admin sees at once whether the addresses or the webhook work. Same path
     * as real notifications: same e-mail sender, same signature, same target check before
     * the call.
     * @param channelId the channel
     * @throws IllegalStateException with the reason when it could not be delivered
     */
    void sendTest(UUID channelId) {
        Due due = jdbc
            .sql("SELECT id, customer_id, type, emails, url, secret_encrypted FROM notification_channel WHERE id = :id")
            .param("id", channelId)
            .query((row, index) -> {
                Array emails = row.getArray("emails");
                Payload.Alert alert = new Payload.Alert(new UUID(0, 0), "TEST",
                        row.getObject("customer_id", UUID.class), null, null, "test",
                        "A test notification from EDP: this channel works.", "OPEN", clock.instant(), null, null, null);
                return new Due(0, channelId, row.getString("type"), TEST, 0,
                        emails == null ? null : List.of((String[]) emails.getArray()), row.getString("url"),
                        row.getBytes("secret_encrypted"), alert);
            })
            .optional()
            .orElseThrow(() -> new IllegalStateException("Channel " + channelId + " is gone"));
        if ("EMAIL".equals(due.channelType())) {
            email(due);
        }
        else {
            webhook(due);
        }
    }

    private static final String TEST = "TEST";

    private List<Due> due() {
        return jdbc.sql("""
                SELECT n.id, n.channel_id, n.channel_type, n.event, n.attempts, c.emails, c.url, c.secret_encrypted,
                       a.id AS alert_id, a.type, a.customer_id, a.device_id, a.rollout_id, a.subject, a.detail,
                       a.opened_at, a.acknowledged_at, a.resolved_at, a.resolution
                FROM notification n JOIN alert a ON a.id = n.alert_id
                LEFT JOIN notification_channel c ON c.id = n.channel_id
                WHERE n.status = 'PENDING' AND n.next_attempt_at <= :now
                ORDER BY n.next_attempt_at, n.id LIMIT :limit""")
            .param("now", KeysetQuery.timestamp(clock.instant()))
            .param("limit", properties.batchSize())
            .query(NotificationSender::row)
            .list();
    }

    private void deliver(Due due) {
        try {
            if ("EMAIL".equals(due.channelType())) {
                email(due);
            }
            else {
                webhook(due);
            }
            jdbc.sql("""
                    UPDATE notification SET status = 'SENT', attempts = attempts + 1, sent_at = :now, last_error = NULL
                    WHERE id = :id AND status = 'PENDING'""")
                .param("id", due.id())
                .param("now", KeysetQuery.timestamp(clock.instant()))
                .update();
            counter("edp.notifications.sent", due.channelType()).increment();
        }
        catch (TargetNotAllowed ex) {
            failed(due, ex, true);
        }
        catch (RuntimeException ex) {
            failed(due, ex, false);
        }
    }

    private void failed(Due due, RuntimeException ex, boolean permanent) {
        int attempts = due.attempts() + 1;
        String error = storable(ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage());
        boolean giveUp = permanent || attempts >= properties.maxAttempts();
        Instant now = clock.instant();
        jdbc.sql("""
                UPDATE notification SET status = :status, attempts = :attempts, last_error = :error,
                    next_attempt_at = :next
                WHERE id = :id AND status = 'PENDING'""")
            .param("id", due.id())
            .param("status", giveUp ? "FAILED" : "PENDING")
            .param("attempts", attempts)
            .param("error", error)
            .param("next", KeysetQuery.timestamp(giveUp ? now : now.plus(properties.backoff(attempts))))
            .update();
        if (giveUp) {
            counter("edp.notifications.failed", due.channelType()).increment();
            log.warn("Notification {} ({} {}) failed after {} attempts: {}", due.id(), due.channelType(), due.event(),
                    attempts, error);
        }
        else {
            log.info("Notification {} attempt {} failed, retrying: {}", due.id(), attempts, error);
        }
    }

    private void email(Due due) {
        List<String> to = due.channelId() == null ? support.emails() : due.emails();
        if (to == null || to.isEmpty()) {
            throw new IllegalStateException("No e-mail addresses");
        }
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            throw new IllegalStateException("No SMTP server configured (spring.mail.host)");
        }
        Payload.Alert alert = due.alert();
        MimeMessage mime = sender.createMimeMessage();
        try {
            MimeMessageHelper message = new MimeMessageHelper(mime, StandardCharsets.UTF_8.name());
            // The same Message-ID on every attempt of this notification: delivery is at
            // least once (a sender killed after the SMTP server took the message but
            // before SENT was stored sends it again), and a mail system or reader that
            // sees the id twice keeps one.
            mime.setHeader("Message-ID", messageId(due));
            message.setFrom(properties.mailFrom());
            message.setTo(to.toArray(String[]::new));
            message.setSubject(
                    "[EDP] " + (TEST.equals(due.event()) ? "Test" : "OPENED".equals(due.event()) ? "Alert" : "Resolved")
                            + ": " + alert.type() + " " + alert.subject());
            message.setText("""
                    %s alert %s
                    Type: %s
                    Subject: %s
                    Customer: %s
                    %s
                    Opened: %s
                    Resolved: %s
                    Detail: %s
                    %s""".formatted("OPENED".equals(due.event()) ? "Opened" : "Resolved", alert.id(), alert.type(),
                    alert.subject(), alert.customerId() == null ? "(platform)" : alert.customerId(),
                    alert.rolloutId() != null ? "Rollout: " + alert.rolloutId()
                            : "Device: " + (alert.deviceId() == null ? "-" : alert.deviceId()),
                    alert.openedAt(), alert.resolvedAt() == null ? "-" : alert.resolvedAt(), alert.detail(),
                    alert.resolution() == null ? "" : "Resolution: " + alert.resolution()));
        }
        catch (MessagingException ex) {
            throw new IllegalStateException("Cannot build the e-mail: " + ex.getMessage(), ex);
        }
        sender.send(mime);
    }

    /**
     * @param due a notification
     * @return its e-mail's {@code Message-ID}, the same for every attempt and unique
     * across installations (the alert id is a random UUID)
     */
    static String messageId(Due due) {
        return "<edp-notification-" + due.id() + "." + due.alert().id() + "@edp.invalid>";
    }

    private void webhook(Due due) {
        String url = due.channelId() == null ? support.webhookUrl() : due.url();
        String secret = due.channelId() == null ? support.webhookSecret()
                : secrets.decrypt(due.encryptedSecret(), due.channelId());
        if (url == null || secret == null || secret.isEmpty()) {
            throw new IllegalStateException("No webhook URL or secret (edp.monitoring.support.webhook-*)");
        }
        URI target = URI.create(url);
        if (due.channelId() != null && !properties.allowPrivateWebhookTargets()) {
            // Again at every delivery: the name may resolve elsewhere than when the
            // channel was created.
            try {
                WebhookTargets.check(target);
            }
            catch (WebhookTargets.NotAllowed ex) {
                throw new TargetNotAllowed("Webhook target not allowed, not sent: " + ex.getMessage());
            }
            catch (java.net.UnknownHostException ex) {
                throw new IllegalStateException("Webhook host does not resolve: " + target.getHost(), ex);
            }
        }
        byte[] body = json.writeValueAsBytes(new Payload(
                TEST.equals(due.event()) ? "test" : "OPENED".equals(due.event()) ? "alert.opened" : "alert.resolved",
                due.id(), due.alert()));
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(target)
            .timeout(properties.webhookTimeout())
            .header("Content-Type", "application/json")
            .header(Webhooks.TIMESTAMP_HEADER, Long.toString(timestamp))
            .header(Webhooks.SIGNATURE_HEADER, Webhooks.signature(secret, timestamp, body))
            .header(Webhooks.DELIVERY_HEADER, Long.toString(due.id()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        }
        catch (java.io.IOException ex) {
            throw new IllegalStateException("Webhook call failed: " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", ex);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Webhook answered HTTP " + response.statusCode());
        }
    }

    /**
     * An error text a database column takes: control characters (a NUL from a mail
     * server's or library's message) become spaces, at most 2,000 characters.
     * @param error the text
     * @return what to store
     */
    static String storable(String error) {
        StringBuilder text = new StringBuilder(Math.min(error.length(), 2000));
        error.codePoints()
            .limit(2000)
            .forEach(c -> text.appendCodePoint(Character.isISOControl(c) && c != '\n' ? ' ' : c));
        return text.toString();
    }

    private Counter counter(String name, String channelType) {
        return counters.computeIfAbsent(name + "/" + channelType,
                key -> Counter.builder(name)
                    .tag("channel", channelType)
                    .description("Alert notifications by final outcome")
                    .register(meters));
    }

    private static Due row(ResultSet row, int index) throws SQLException {
        Array emails = row.getArray("emails");
        Instant resolvedAt = instant(row, "resolved_at");
        Payload.Alert alert = new Payload.Alert(row.getObject("alert_id", UUID.class), row.getString("type"),
                row.getObject("customer_id", UUID.class), row.getObject("device_id", UUID.class),
                row.getObject("rollout_id", UUID.class), row.getString("subject"), row.getString("detail"),
                resolvedAt == null ? "OPEN" : "RESOLVED", instant(row, "opened_at"), instant(row, "acknowledged_at"),
                resolvedAt, row.getString("resolution"));
        return new Due(row.getLong("id"), row.getObject("channel_id", UUID.class), row.getString("channel_type"),
                row.getString("event"), row.getInt("attempts"),
                emails == null ? null : List.of((String[]) emails.getArray()), row.getString("url"),
                row.getBytes("secret_encrypted"), alert);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /**
     * A customer webhook whose host is on the platform's network: FAILED at once, never
     * sent.
     */
    static final class TargetNotAllowed extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        TargetNotAllowed(String message) {
            super(message);
        }

    }

    /**
     * The webhook body.
     *
     * @param event {@code alert.opened}, {@code alert.resolved}, or {@code test} (a
     * customer admin's test send)
     * @param deliveryId the notification id (also in {@code X-EDP-Delivery}), the same on
     * every retry
     * @param alert the alert as it is when sent
     */
    record Payload(String event, long deliveryId, Alert alert) {

        record Alert(UUID id, String type, UUID customerId, UUID deviceId, UUID rolloutId, String subject,
                String detail, String state, Instant openedAt, Instant acknowledgedAt, Instant resolvedAt,
                String resolution) {
        }
    }

}
