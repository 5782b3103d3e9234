package dev.edp.systemtest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Row counts of every table of the services' schemas in the platform's PostgreSQL, to
 * prove that refused requests wrote nothing. Left out are the tables that change by
 * themselves while the platform idles, whatever a caller sends:
 * {@link #CHANGING_BY_THEMSELVES}.
 */
final class RowCounts {

    /** The services' schemas. */
    static final List<String> SCHEMAS = List.of("masterdata", "onboarding", "devices", "monitoring");

    /**
     * Written by schedulers, not by callers: ShedLock's locks, the outboxes (relayed and
     * deleted in the background), monitoring's service health polls and their history,
     * device connectivity and heartbeat history (offline detection and device traffic of
     * other suites), live events for the portal, alerts and notifications (raised by the
     * service health and offline checks), and the CRL (onboarding republishes it on a
     * schedule), plus Flyway's history.
     */
    static final Set<String> CHANGING_BY_THEMSELVES = Set.of("shedlock", "flyway_schema_history",
            "device_certificate_outbox", "device_event_outbox", "service_health", "service_health_history",
            "connectivity_event", "heartbeat_history", "device_status", "live_event", "alert", "notification", "crl");

    private RowCounts() {
    }

    /**
     * Counts once nothing changes any more: what the set-up started (an enrolled device's
     * activation in device-management, relayed by an outbox) may still be landing when
     * the counting begins.
     * @return {@code schema.table} to its row count, unchanged for 3 s (or after 60 s,
     * the last count)
     */
    static Map<String, Long> settledSnapshot(RunningPlatform platform) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, Long> last = snapshot(platform);
        long stableSince = System.nanoTime();
        while (System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(3) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(500);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return last;
            }
            Map<String, Long> now = snapshot(platform);
            if (!now.equals(last)) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }

    /**
     * @return {@code schema.table} to its row count, for every table not excluded
     */
    static Map<String, Long> snapshot(RunningPlatform platform) {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(platform.jdbcUrl(), "edp", "edp");
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("select table_schema || '.' || table_name from "
                    + "information_schema.tables where table_type = 'BASE TABLE' and table_schema in ('"
                    + String.join("','", SCHEMAS) + "') order by 1")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                if (CHANGING_BY_THEMSELVES.contains(table.substring(table.indexOf('.') + 1))) {
                    continue;
                }
                try (ResultSet count = statement.executeQuery("select count(*) from " + table)) {
                    count.next();
                    counts.put(table, count.getLong(1));
                }
            }
        }
        catch (SQLException ex) {
            throw new IllegalStateException("Could not count rows at " + platform.jdbcUrl() + ": " + ex.getMessage(),
                    ex);
        }
        return counts;
    }

}
