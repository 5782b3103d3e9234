package dev.edp.monitoring.notification;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code edp.monitoring.notifications.*} and {@code edp.monitoring.support.*} bound as
 * records with the service's {@code application.yml}: the same names, defaults and
 * environment variables as before the key was read with {@code @Value}.
 */
class NotificationPropertiesBindingTests {

    static final String KEY = "dGVzdC1vbmx5LXdlYmhvb2stc2VjcmV0cy1rZXktMzI=";

    final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withInitializer(new ConfigDataApplicationContextInitializer())
        .withUserConfiguration(NotificationConfiguration.class);

    @Test
    void theKeyComesFromEdpMonitoringSecretsKeyAndIsNeverPrinted() {
        runner.withPropertyValues("EDP_MONITORING_SECRETS_KEY=" + KEY).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ChannelSecrets.class);
            NotificationProperties properties = context.getBean(NotificationProperties.class);
            assertThat(properties.secretsKey()).isEqualTo(KEY);
            assertThat(properties.toString()).doesNotContain(KEY).contains("secretsKey=(set)");
            // Encrypts with that key: a second instance from the same key decrypts.
            ChannelSecrets secrets = context.getBean(ChannelSecrets.class);
            java.util.UUID channel = java.util.UUID.randomUUID();
            assertThat(ChannelSecrets.fromConfiguration(KEY).decrypt(secrets.encrypt("s3cret", channel), channel))
                .isEqualTo("s3cret");
        });
        runner.withPropertyValues("edp.monitoring.notifications.secrets-key=" + KEY)
            .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ChannelSecrets.class));
    }

    @Test
    void withoutAKeyTheServiceDoesNotStartAndSaysWhatToSet() {
        runner.run(context -> assertThat(context).hasFailed()
            .getFailure()
            .rootCause()
            .hasMessageContaining("EDP_MONITORING_SECRETS_KEY")
            .hasMessageContaining("edp.monitoring.notifications.secrets-key"));
    }

    @Test
    void defaultsAreTheDocumentedOnesAndEachCanBeSet() {
        runner.withPropertyValues("EDP_MONITORING_SECRETS_KEY=" + KEY).run(context -> {
            NotificationProperties defaults = context.getBean(NotificationProperties.class);
            assertThat(defaults.sendInterval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(defaults.maxAttempts()).isEqualTo(5);
            assertThat(defaults.initialBackoff()).isEqualTo(Duration.ofSeconds(10));
            assertThat(defaults.maxBackoff()).isEqualTo(Duration.ofMinutes(10));
            assertThat(defaults.quietPeriod()).isEqualTo(Duration.ofMinutes(15));
            assertThat(defaults.mailFrom()).isEqualTo("edp-alerts@localhost");
            assertThat(defaults.allowHttpWebhooks()).isFalse();
            assertThat(defaults.allowPrivateWebhookTargets()).isFalse();
            assertThat(defaults.retention()).isEqualTo(Duration.ofDays(30));
        });
        runner
            .withPropertyValues("EDP_MONITORING_SECRETS_KEY=" + KEY, "EDP_ALERT_MAIL_FROM=alerts@acme.example",
                    "edp.monitoring.notifications.max-attempts=3", "edp.monitoring.notifications.quiet-period=1h")
            .run(context -> {
                NotificationProperties set = context.getBean(NotificationProperties.class);
                assertThat(set.mailFrom()).isEqualTo("alerts@acme.example");
                assertThat(set.maxAttempts()).isEqualTo(3);
                assertThat(set.quietPeriod()).isEqualTo(Duration.ofHours(1));
            });
    }

    @Test
    void theSupportChannelComesFromItsEnvironmentVariablesAndItsSecretIsNeverPrinted() {
        new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
            .withUserConfiguration(SupportOnly.class)
            .withPropertyValues("EDP_SUPPORT_EMAILS=a@edp.example,b@edp.example",
                    "EDP_SUPPORT_WEBHOOK_URL=https://hooks.edp.example/support",
                    "EDP_SUPPORT_WEBHOOK_SECRET=support-secret-value")
            .run(context -> {
                NotificationProperties.Support support = context.getBean(NotificationProperties.Support.class);
                assertThat(support.emails()).isEqualTo(List.of("a@edp.example", "b@edp.example"));
                assertThat(support.webhookUrl()).isEqualTo("https://hooks.edp.example/support");
                assertThat(support.webhookSecret()).isEqualTo("support-secret-value");
                assertThat(support.toString()).doesNotContain("support-secret-value");
            });
    }

    @org.springframework.boot.context.properties.EnableConfigurationProperties(NotificationProperties.Support.class)
    static class SupportOnly {

    }

}
