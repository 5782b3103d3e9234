package dev.edp.monitoring.notification;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.edp.platform.web.KeysetQuery;
import dev.edp.platform.web.Where;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Notification channels; the secret is written encrypted and never read back here (only
 * the sender reads and decrypts it).
 */
@Repository
class ChannelRepository {

    private static final String COLUMNS = "id, customer_id, name, type, emails, url, created_at";

    private final JdbcClient jdbc;

    private final ChannelSecrets secrets;

    ChannelRepository(JdbcClient jdbc, ChannelSecrets secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    /**
     * A webhook's secret is stored encrypted for this channel ({@link ChannelSecrets}).
     */
    ChannelController.ChannelResponse create(UUID id, UUID customerId, String name, String type, List<String> emails,
            String url, String secret, Instant at) {
        return jdbc.sql("""
                INSERT INTO notification_channel (id, customer_id, name, type, emails, url, secret_encrypted,
                    created_at)
                VALUES (:id, :customerId, :name, :type, CAST(:emails AS text[]), :url, :secret, :at)
                RETURNING %s""".formatted(COLUMNS))
            .param("id", id)
            .param("customerId", customerId)
            .param("name", name)
            .param("type", type)
            .param("emails", emails == null ? null : textArray(emails))
            .param("url", url)
            .param("secret", secret == null ? null : secrets.encrypt(secret, id), Types.BINARY)
            .param("at", KeysetQuery.timestamp(at))
            .query(ChannelRepository::channel)
            .single();
    }

    Optional<ChannelController.ChannelResponse> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM notification_channel WHERE id = :id")
            .param("id", id)
            .query(ChannelRepository::channel)
            .optional();
    }

    /** {@code limit + 1} channels after {@code afterId}, by id. */
    List<ChannelController.ChannelResponse> page(UUID customerId, UUID afterId, int limit) {
        return new Where().equal("customer_id", customerId)
            .greaterThan("id", afterId)
            .page("SELECT " + COLUMNS + " FROM notification_channel", "id", limit)
            .on(jdbc)
            .query(ChannelRepository::channel)
            .list();
    }

    /** Deletes the channel and, with it, its notification records. */
    void delete(UUID id) {
        jdbc.sql("DELETE FROM notification_channel WHERE id = :id").param("id", id).update();
    }

    /** PostgreSQL array literal; quotes and backslashes escaped. */
    private static String textArray(List<String> values) {
        return values.stream()
            .map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
            .collect(Collectors.joining(",", "{", "}"));
    }

    private static ChannelController.ChannelResponse channel(ResultSet row, int index) throws SQLException {
        Array emails = row.getArray("emails");
        return new ChannelController.ChannelResponse(row.getObject("id", UUID.class),
                row.getObject("customer_id", UUID.class), row.getString("name"), row.getString("type"),
                emails == null ? null : List.of((String[]) emails.getArray()), row.getString("url"),
                row.getObject("created_at", OffsetDateTime.class).toInstant(), null);
    }

}
