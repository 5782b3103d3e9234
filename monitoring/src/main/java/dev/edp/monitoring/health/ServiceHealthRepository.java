package dev.edp.monitoring.health;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.edp.platform.web.Where;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ServiceHealthRepository {

    private final JdbcClient jdbc;

    ServiceHealthRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The current state of every known instance, locked for this transaction. */
    Map<String, ServiceHealthResponse> lockAll() {
        return jdbc.sql("SELECT * FROM service_health ORDER BY service, instance FOR UPDATE")
            .query(ServiceHealthRepository::state)
            .list()
            .stream()
            .collect(Collectors.toMap(state -> key(state.service(), state.instance()), Function.identity()));
    }

    List<ServiceHealthResponse> all() {
        return jdbc.sql("SELECT * FROM service_health ORDER BY service, instance")
            .query(ServiceHealthRepository::state)
            .list();
    }

    void save(HealthProbe.Result result, Instant since, Instant checkedAt, Instant sampledAt) {
        jdbc.sql("""
                INSERT INTO service_health (service, instance, url, up, detail, since, checked_at, sampled_at)
                VALUES (:service, :instance, :url, :up, :detail, :since, :checkedAt, :sampledAt)
                ON CONFLICT (service, instance) DO UPDATE SET url = EXCLUDED.url, up = EXCLUDED.up,
                    detail = EXCLUDED.detail, since = EXCLUDED.since, checked_at = EXCLUDED.checked_at,
                    sampled_at = EXCLUDED.sampled_at""")
            .param("service", result.target().service())
            .param("instance", result.target().instance())
            .param("url", result.target().url())
            .param("up", result.up())
            .param("detail", truncate(result.detail()))
            .param("since", utc(since))
            .param("checkedAt", utc(checkedAt))
            .param("sampledAt", utc(sampledAt))
            .update();
    }

    void history(HealthProbe.Result result, boolean transition, Instant checkedAt) {
        jdbc.sql("""
                INSERT INTO service_health_history (service, instance, url, up, transition, detail, checked_at)
                VALUES (:service, :instance, :url, :up, :transition, :detail, :checkedAt)""")
            .param("service", result.target().service())
            .param("instance", result.target().instance())
            .param("url", result.target().url())
            .param("up", result.up())
            .param("transition", transition)
            .param("detail", truncate(result.detail()))
            .param("checkedAt", utc(checkedAt))
            .update();
    }

    /**
     * Newest first; {@code limit + 1} rows so the caller knows whether there is a next
     * page.
     */
    List<ServiceHealthHistoryEntry> history(String service, Long beforeId, int limit) {
        return new Where().equal("service", service)
            .lessThan("id", beforeId)
            .page("SELECT * FROM service_health_history", "id DESC", limit)
            .on(jdbc)
            .query((row, i) -> new ServiceHealthHistoryEntry(row.getLong("id"), row.getString("service"),
                    row.getString("instance"), row.getString("url"), row.getBoolean("up"), row.getBoolean("transition"),
                    row.getString("detail"), instant(row, "checked_at")))
            .list();
    }

    int forgetNotCheckedSince(Instant cutoff) {
        return jdbc.sql("DELETE FROM service_health WHERE checked_at < :cutoff").param("cutoff", utc(cutoff)).update();
    }

    int deleteHistoryBefore(Instant cutoff) {
        return jdbc.sql("DELETE FROM service_health_history WHERE checked_at < :cutoff")
            .param("cutoff", utc(cutoff))
            .update();
    }

    static String key(String service, String instance) {
        return service + "\u001f" + instance;
    }

    private static ServiceHealthResponse state(ResultSet row, int i) throws SQLException {
        return new ServiceHealthResponse(row.getString("service"), row.getString("instance"), row.getString("url"),
                row.getBoolean("up"), row.getString("detail"), instant(row, "since"), instant(row, "checked_at"),
                instant(row, "sampled_at"));
    }

    private static String truncate(String detail) {
        return detail == null || detail.length() <= 2000 ? detail : detail.substring(0, 2000);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

}
