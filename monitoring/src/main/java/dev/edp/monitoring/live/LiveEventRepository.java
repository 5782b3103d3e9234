package dev.edp.monitoring.live;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class LiveEventRepository {

    private static final String COLUMNS = "id, customer_id, type, data::text AS data, txid::text AS txid";

    private final JdbcClient jdbc;

    LiveEventRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<LiveEvent> byIds(Collection<Long> ids) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM live_event WHERE id = ANY(:ids) ORDER BY id")
            .param("ids", ids.toArray(Long[]::new))
            .query(LiveEventRepository::event)
            .list();
    }

    /**
     * @return the database's current snapshot: which transactions have committed by now
     */
    Snapshot snapshot() {
        return Snapshot.parse(jdbc.sql("SELECT pg_current_snapshot()::text").query(String.class).single());
    }

    /**
     * Events after {@code afterId} that are still inside the window, for one scope,
     * oldest first.
     * @param scope who may see them
     * @param committedBy only events this snapshot includes, or null for all
     */
    List<LiveEvent> after(long afterId, Duration window, Visibility scope, Snapshot committedBy, int limit) {
        String filter = (scope.all() ? "" : " AND customer_id = :customerId")
                + (committedBy == null ? "" : " AND pg_visible_in_snapshot(txid, CAST(:snapshot AS pg_snapshot))");
        JdbcClient.StatementSpec spec = jdbc
            .sql("SELECT " + COLUMNS + """
                     FROM live_event
                    WHERE id > :afterId AND created_at >= now() - make_interval(secs => :window)""" + filter
                    + " ORDER BY id LIMIT :limit")
            .param("afterId", afterId)
            .param("window", (double) window.toMillis() / 1000)
            .param("limit", limit);
        if (!scope.all()) {
            spec = spec.param("customerId", scope.customerId());
        }
        if (committedBy != null) {
            spec = spec.param("snapshot", committedBy.toString());
        }
        return spec.query(LiveEventRepository::event).list();
    }

    int deleteOlderThan(Duration window) {
        return jdbc.sql("DELETE FROM live_event WHERE created_at < now() - make_interval(secs => :window)")
            .param("window", (double) window.toMillis() / 1000)
            .update();
    }

    private static LiveEvent event(ResultSet row, int i) throws SQLException {
        return new LiveEvent(row.getLong("id"), row.getObject("customer_id", UUID.class), row.getString("type"),
                row.getString("data"), Long.parseLong(row.getString("txid")));
    }

}
