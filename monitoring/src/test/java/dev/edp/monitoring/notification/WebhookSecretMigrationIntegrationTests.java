package dev.edp.monitoring.notification;

import java.time.Instant;
import java.util.UUID;

import dev.edp.monitoring.MonitoringApplication;
import dev.edp.monitoring.support.Devices;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.test.postgres.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Webhook secrets stored in plain text before migration 7 are encrypted by it, and the
 * plain-text column is gone; without a key the service does not start.
 */
class WebhookSecretMigrationIntegrationTests {

    static final String KEY = "dGVzdC1vbmx5LXdlYmhvb2stc2VjcmV0cy1rZXktMzI=";

    static ConfigurableApplicationContext start(TestPostgres.Database database, String... more) {
        String[] args = { "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(), "--server.port=0", "--management.server.port=0",
                "--eureka.client.enabled=false", "--spring.cloud.discovery.enabled=false",
                "--edp.device.jwks-uri=" + Devices.E3.jwksUri(),
                "--edp.device.proof-keys-uri=" + Devices.E3.proofKeysUri(),
                "--edp.service-client.token-uri=" + Devices.E3.tokenUri(), "--edp.service-client.client-secret=test",
                "--edp.monitoring.flush-interval=1h" };
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return new SpringApplicationBuilder(MonitoringApplication.class).run(all);
    }

    @Test
    void plainTextSecretsOfExistingChannelsAreEncryptedForTheirChannelAndThePlainColumnIsDropped() {
        TestPostgres.Database database = TestPostgres.get().createDatabase();
        Flyway.configure()
            .dataSource(database.url(), database.user(), database.password())
            .schemas("monitoring")
            .createSchemas(true)
            .locations("classpath:db/migration")
            .target("6")
            .load()
            .migrate();
        UUID channel = UUID.randomUUID();
        UUID email = UUID.randomUUID();
        JdbcClient before = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(
                database.url(), database.user(), database.password()));
        before
            .sql("""
                    INSERT INTO monitoring.notification_channel (id, customer_id, name, type, emails, url, secret, created_at)
                    VALUES (:id, :customer, 'Old hook', 'WEBHOOK', NULL, 'https://hooks.example/x', 'plain-old-secret-123', :at),
                           (:email, :customer, 'Old mail', 'EMAIL', '{ops@example.com}', NULL, NULL, :at)""")
            .param("id", channel)
            .param("email", email)
            .param("customer", UUID.randomUUID())
            .param("at", KeysetQuery.timestamp(Instant.now()))
            .update();

        assertThatThrownBy(() -> start(database)).hasStackTraceContaining("EDP_MONITORING_SECRETS_KEY");

        try (ConfigurableApplicationContext app = start(database,
                "--edp.monitoring.notifications.secrets-key=" + KEY)) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            assertThat(jdbc
                .sql("""
                        SELECT count(*) FROM information_schema.columns
                        WHERE table_schema = 'monitoring' AND table_name = 'notification_channel' AND column_name = 'secret'""")
                .query(Long.class)
                .single()).isZero();
            byte[] stored = jdbc.sql("SELECT secret_encrypted FROM notification_channel WHERE id = :id")
                .param("id", channel)
                .query(byte[].class)
                .single();
            assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("plain-old");
            ChannelSecrets secrets = app.getBean(ChannelSecrets.class);
            assertThat(secrets.decrypt(stored, channel)).isEqualTo("plain-old-secret-123");
            assertThat(jdbc.sql("SELECT name FROM notification_channel WHERE id = :id")
                .param("id", email)
                .query(String.class)
                .single()).isEqualTo("Old mail");
            // A webhook channel without a secret is refused by the new constraint.
            assertThatThrownBy(() -> jdbc.sql("""
                    INSERT INTO notification_channel (id, customer_id, name, type, url, created_at)
                    VALUES (gen_random_uuid(), gen_random_uuid(), 'x', 'WEBHOOK', 'https://h.example', now())""")
                .update()).hasStackTraceContaining("notification_channel_target");
        }
    }

}
