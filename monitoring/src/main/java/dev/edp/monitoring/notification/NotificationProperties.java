package dev.edp.monitoring.notification;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code edp.monitoring.notifications.*}.
 *
 * @param sendInterval how often one replica (ShedLock) sends what is due
 * @param maxAttempts attempts before a notification is given up as FAILED
 * @param initialBackoff wait after the first failed attempt; doubled after each further
 * one
 * @param maxBackoff the longest wait between attempts
 * @param quietPeriod per channel and device, at most one alert-opened notification this
 * often
 * @param batchSize notifications read per send round
 * @param mailFrom sender address of alert e-mails
 * @param webhookTimeout connect and response timeout of a webhook call
 * @param allowHttpWebhooks whether customers may register plain-http webhook URLs (tests,
 * local runs)
 * @param allowPrivateWebhookTargets whether customers' webhooks may target loopback,
 * private, link-local, CGNAT… addresses (local development, tests); off: refused at
 * creation and at delivery ({@link WebhookTargets})
 * @param retention notifications in a final state (SENT, FAILED, SUPPRESSED) older than
 * this are deleted
 * @param secretsKey base64 of the 32-byte key webhook secrets are stored encrypted with
 * ({@code EDP_MONITORING_SECRETS_KEY}); required, the service does not start without it
 * ({@link ChannelSecrets})
 */
@ConfigurationProperties("edp.monitoring.notifications")
public record NotificationProperties(@DefaultValue("2s") Duration sendInterval, @DefaultValue("5") int maxAttempts,
        @DefaultValue("10s") Duration initialBackoff, @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("15m") Duration quietPeriod, @DefaultValue("50") int batchSize,
        @DefaultValue("edp-alerts@localhost") String mailFrom, @DefaultValue("10s") Duration webhookTimeout,
        @DefaultValue("false") boolean allowHttpWebhooks, @DefaultValue("false") boolean allowPrivateWebhookTargets,
        @DefaultValue("30d") Duration retention, String secretsKey) {

    /** Without the key: a record's own would print it into any log that shows these. */
    @Override
    public String toString() {
        return "NotificationProperties[sendInterval=" + sendInterval + ", maxAttempts=" + maxAttempts
                + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + ", quietPeriod=" + quietPeriod
                + ", batchSize=" + batchSize + ", mailFrom=" + mailFrom + ", webhookTimeout=" + webhookTimeout
                + ", allowHttpWebhooks=" + allowHttpWebhooks + ", allowPrivateWebhookTargets="
                + allowPrivateWebhookTargets + ", retention=" + retention + ", secretsKey="
                + (secretsKey == null || secretsKey.isEmpty() ? "(none)" : "(set)") + "]";
    }

    /**
     * @param failedAttempts attempts made so far (≥ 1)
     * @return the wait before the next attempt
     */
    Duration backoff(int failedAttempts) {
        Duration wait = initialBackoff;
        for (int i = 1; i < failedAttempts && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    /**
     * {@code edp.monitoring.support.*}: where platform alerts (service down) go.
     *
     * @param emails support e-mail addresses (none: no support e-mails)
     * @param webhookUrl support webhook (none: no support webhook)
     * @param webhookSecret the secret its requests are signed with
     */
    @ConfigurationProperties("edp.monitoring.support")
    public record Support(List<String> emails, String webhookUrl, String webhookSecret) {

        /** Nothing configured means no support notifications. */
        public Support {
            emails = emails == null ? List.of() : emails.stream().filter(e -> e != null && !e.isBlank()).toList();
            webhookUrl = webhookUrl == null || webhookUrl.isBlank() ? null : webhookUrl;
        }

        /** Without the secret, as {@link NotificationProperties#toString()}. */
        @Override
        public String toString() {
            return "Support[emails=%s, webhookUrl=%s, webhookSecret=%s]".formatted(emails, webhookUrl,
                    webhookSecret == null || webhookSecret.isEmpty() ? "(none)" : "(set)");
        }
    }
}
