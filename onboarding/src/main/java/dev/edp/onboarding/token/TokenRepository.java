package dev.edp.onboarding.token;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.edp.platform.jdbc.RowsByKey;
import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetSorts;
import dev.edp.platform.web.Where;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class TokenRepository {

    private static final String COLUMNS = """
            id, customer_id, device_id, device_name, environment, machine_id, status, expires_at, created_at,
            created_by, used_at, revoked_at, revoked_by""";

    private final JdbcClient jdbc;

    private final RowsByKey<OnboardingToken> byId;

    TokenRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.byId = new RowsByKey<>(jdbc, "onboarding_token", COLUMNS, "id", TokenRepository::map);
    }

    void insert(OnboardingToken token, byte[] hash) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", token.id());
        params.put("hash", hash);
        params.put("customerId", token.customerId());
        params.put("deviceId", token.deviceId());
        params.put("deviceName", token.deviceName());
        params.put("environment", token.environment());
        params.put("machineId", token.machineId());
        params.put("expiresAt", ts(token.expiresAt()));
        params.put("createdAt", ts(token.createdAt()));
        params.put("createdBy", token.createdBy());
        jdbc.sql("""
                INSERT INTO onboarding_token (id, token_hash, customer_id, device_id, device_name, environment,
                                              machine_id, status, expires_at, created_at, created_by)
                VALUES (:id, :hash, :customerId, :deviceId, :deviceName, :environment, :machineId, 'ACTIVE',
                        :expiresAt, :createdAt, :createdBy)""").params(params).update();
    }

    Optional<OnboardingToken> find(UUID id) {
        return byId.find(id);
    }

    Optional<OnboardingToken> findForUpdate(UUID id) {
        return byId.findForUpdate(id);
    }

    /**
     * The customer of a token, without locking it (checked before the enrollment's
     * transaction).
     */
    Optional<UUID> customerByHash(byte[] hash) {
        return jdbc.sql("SELECT customer_id FROM onboarding_token WHERE token_hash = :hash")
            .param("hash", hash)
            .query(UUID.class)
            .optional();
    }

    /**
     * Locks the token row: concurrent enrollments with one token run one after the other.
     */
    Optional<OnboardingToken> findByHashForUpdate(byte[] hash) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM onboarding_token WHERE token_hash = :hash FOR UPDATE")
            .param("hash", hash)
            .query(TokenRepository::map)
            .optional();
    }

    void markUsed(UUID id, Instant at) {
        jdbc.sql("UPDATE onboarding_token SET status = 'USED', used_at = :at WHERE id = :id AND status = 'ACTIVE'")
            .param("id", id)
            .param("at", ts(at))
            .update();
    }

    void revoke(UUID id, Instant at, String by) {
        jdbc.sql("""
                UPDATE onboarding_token SET status = 'REVOKED', revoked_at = :at, revoked_by = :by
                WHERE id = :id AND status = 'ACTIVE'""").param("id", id).param("at", ts(at)).param("by", by).update();
    }

    /** The token list's one order: newest first. */
    static final KeysetSorts<OnboardingToken> SORTS = KeysetSorts.of(OnboardingToken::id, "-createdAt")
        .timestamp("createdAt", "created_at", OnboardingToken::createdAt);

    /** One page of tokens, of one customer or (null) all. */
    KeysetPage<OnboardingToken> page(Keyset<OnboardingToken> keyset, UUID customerId) {
        return keyset.page(new Where().equal("customer_id", customerId)
            .page("SELECT " + COLUMNS + " FROM onboarding_token", keyset)
            .on(jdbc)
            .query(TokenRepository::map)
            .list());
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OnboardingToken map(ResultSet row, int index) throws SQLException {
        return new OnboardingToken(row.getObject("id", UUID.class), row.getObject("customer_id", UUID.class),
                row.getObject("device_id", UUID.class), row.getString("device_name"), row.getString("environment"),
                row.getObject("machine_id", UUID.class), row.getString("status"), instant(row, "expires_at"),
                instant(row, "created_at"), row.getString("created_by"), instant(row, "used_at"),
                instant(row, "revoked_at"), row.getString("revoked_by"));
    }

}
