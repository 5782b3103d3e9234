package dev.edp.monitoring.notification;

import org.flywaydb.core.api.migration.JavaMigration;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The key webhook secrets are encrypted with, and the migration that encrypted the
 * existing ones.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotificationProperties.class)
class NotificationConfiguration {

    /** Without a usable key the service does not start (the message says what to set). */
    @Bean
    ChannelSecrets channelSecrets(NotificationProperties properties) {
        return ChannelSecrets.fromConfiguration(properties.secretsKey());
    }

    /** Picked up by Spring Boot's Flyway configuration with the SQL migrations. */
    @Bean
    JavaMigration encryptWebhookSecretsMigration(ChannelSecrets secrets) {
        return new EncryptWebhookSecretsMigration(secrets);
    }

}
