package dev.edp.monitoring.notification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Flyway migration 7 (a bean, so it gets the key): webhook secrets move from plain text
 * ({@code notification_channel.secret}) to {@code secret_encrypted}
 * ({@link ChannelSecrets}), and the plain-text column is dropped, in one transaction.
 * Each row's {@code secret} is set to null first, so the new row versions carry no plain
 * text; the old versions disappear with the next vacuum (backups taken before still hold
 * them).
 */
final class EncryptWebhookSecretsMigration implements JavaMigration {

    private final ChannelSecrets secrets;

    EncryptWebhookSecretsMigration(ChannelSecrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("7");
    }

    @Override
    public String getDescription() {
        return "encrypt webhook secrets";
    }

    @Override
    public Integer getChecksum() {
        return 7_001;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE notification_channel ADD COLUMN secret_encrypted BYTEA");
            // V3's CHECK requires the plain secret of a webhook; its successor is added
            // below.
            statement.execute("ALTER TABLE notification_channel DROP CONSTRAINT IF EXISTS notification_channel_check");
        }
        List<UUID> ids = new ArrayList<>();
        List<String> plain = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement
                    .executeQuery("SELECT id, secret FROM notification_channel WHERE secret IS NOT NULL ORDER BY id")) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
                plain.add(rows.getString(2));
            }
        }
        try (PreparedStatement update = connection
            .prepareStatement("UPDATE notification_channel SET secret_encrypted = ?, secret = NULL WHERE id = ?")) {
            for (int i = 0; i < ids.size(); i++) {
                update.setBytes(1, secrets.encrypt(plain.get(i), ids.get(i)));
                update.setObject(2, ids.get(i));
                update.addBatch();
            }
            update.executeBatch();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE notification_channel DROP COLUMN secret");
            statement.execute("""
                    ALTER TABLE notification_channel ADD CONSTRAINT notification_channel_target CHECK (
                        (type = 'EMAIL' AND emails IS NOT NULL)
                        OR (type = 'WEBHOOK' AND url IS NOT NULL AND secret_encrypted IS NOT NULL))""");
        }
    }

}
