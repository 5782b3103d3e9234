package dev.edp.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.edp.agent.net.NettyHttp;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.OidcTokens;
import io.netty.handler.ssl.SslContext;
import tools.jackson.databind.JsonNode;

/**
 * A phased rollout to the whole fleet (issue 17): every device long-polls through E3 as
 * in the fan-out, a rollout of a new release in four groups (10 %, 20 %, 30 %, the rest;
 * AUTO, default thresholds) starts, and each device that receives the release reports it
 * {@code ready}. Measured: each group's time from its start to its success (the rollout's
 * own {@code startedAt}/{@code finishedAt}, so it includes up to one scheduler interval,
 * 5 s by default), and the scheduler's load: its passes (count and total time of
 * device-management's {@code tasks.scheduled.execution} timer of
 * {@code RolloutScheduler}; a pass is its SQL and little else) and the scans and row
 * changes PostgreSQL counted on the rollout tables ({@code pg_stat_user_tables} deltas,
 * which also hold the reports' and the desired-state endpoint's share).
 */
final class RolloutRun {

    static final List<String> GROUPS = List.of("10%", "20%", "30%", "100%");

    private static final Duration FINISH = Duration.ofMinutes(15);

    private final PlatformUnderTest platform;

    private final NettyHttp net;

    private final Fleet fleet;

    private final HttpClient http = HttpClient.newHttpClient();

    RolloutRun(PlatformUnderTest platform, NettyHttp net, Fleet fleet) {
        this.platform = platform;
        this.net = net;
        this.fleet = fleet;
    }

    /**
     * @param index the group's index
     * @param devices its devices
     * @param took from its start to its success
     */
    record Group(int index, int devices, Duration took) {
    }

    /**
     * @param devices devices in the rollout
     * @param groups per group
     * @param total from the rollout's request to SUCCEEDED
     * @param fanOut delivery to every device and until every report was stored
     * @param passes the scheduler's passes meanwhile (-1: its metric was not found)
     * @param passTime their total time
     * @param tables deltas of the rollout tables' statistics
     * @param statements the statements on rollout tables that read the most blocks
     * meanwhile ({@code pg_stat_statements} deltas; empty when the extension is absent)
     * @param desiredStateReads device-management's desired-state read counters over the
     * whole phase (long-polls parked, rollout, reports): requests and the queries that
     * read them, on arrival and on wake-up (-1 where a counter was not found)
     */
    record Result(int devices, List<Group> groups, Duration total, FanOut.Result fanOut, long passes, Duration passTime,
            Map<String, Long> tables, List<Statement> statements, Map<String, Long> desiredStateReads) {
    }

    /** device-management's counters of desired-state reads, reported as deltas. */
    static final List<String> READ_COUNTERS = List.of("edp.desired.state.arrivals", "edp.desired.state.arrival.reads",
            "edp.desired.state.woken", "edp.desired.state.wake.reads");

    /**
     * One statement's share of the rollout ({@code pg_stat_statements} deltas).
     *
     * @param calls executions
     * @param rows rows returned or changed
     * @param blocks shared blocks hit or read
     * @param millis execution time
     * @param text the normalized statement, whitespace collapsed and cut
     */
    record Statement(long calls, long rows, long blocks, double millis, String text) {
    }

    Result run(List<Device> devices, List<SslContext> contexts) throws Exception {
        double[] passesBefore = schedulerTimer();
        Map<String, Long> readsBefore = readCounters();
        Map<String, Long> tablesBefore = tableStats();
        Map<Long, Statement> statementsBefore = statementStats();
        AtomicReference<String> rollout = new AtomicReference<>();
        AtomicReference<String> token = new AtomicReference<>();
        AtomicReference<Instant> started = new AtomicReference<>();
        FanOut.Result fanOut = new FanOut(platform, net, fleet).run(devices, contexts, (accessToken, release) -> {
            token.set(accessToken);
            Instant sent = Instant.now();
            started.set(sent);
            StringBuilder groups = new StringBuilder();
            for (String size : GROUPS) {
                groups.append(groups.isEmpty() ? "" : ",").append("{\"size\":\"").append(size).append("\"}");
            }
            HttpResponse<String> response = send(accessToken, "POST", "/api/devices/v1/rollouts",
                    "{\"releaseId\":\"" + release + "\",\"environment\":\"TESTING\",\"groups\":[" + groups + "]}");
            if (response.statusCode() != 201) {
                throw new IllegalStateException(
                        "starting the rollout answered " + response.statusCode() + ": " + response.body());
            }
            rollout.set(Fleet.JSON.readTree(response.body()).path("id").asString());
            return sent;
        });
        JsonNode done = awaitSucceeded(token.get(), rollout.get());
        Instant finished = Instant.now();
        double[] passesAfter = schedulerTimer();
        Map<String, Long> reads = new LinkedHashMap<>();
        readCounters().forEach((name, after) -> reads.put(name,
                after < 0 || readsBefore.get(name) < 0 ? -1 : after - readsBefore.get(name)));
        Map<String, Long> tables = new LinkedHashMap<>();
        tableStats().forEach((key, value) -> tables.put(key, value - tablesBefore.getOrDefault(key, 0L)));
        List<Statement> statements = new ArrayList<>();
        statementStats().forEach((id, after) -> {
            Statement before = statementsBefore.getOrDefault(id, new Statement(0, 0, 0, 0, after.text()));
            if (after.calls() > before.calls()) {
                statements.add(new Statement(after.calls() - before.calls(), after.rows() - before.rows(),
                        after.blocks() - before.blocks(), after.millis() - before.millis(), after.text()));
            }
        });
        statements.sort(java.util.Comparator.comparingLong(Statement::blocks).reversed());
        List<Group> groups = new ArrayList<>();
        for (JsonNode group : done.path("groups")) {
            groups.add(new Group(group.path("index").asInt(), group.path("plannedSize").asInt(),
                    Duration.between(Instant.parse(group.path("startedAt").asString()),
                            Instant.parse(group.path("finishedAt").asString()))));
        }
        boolean metric = passesBefore != null && passesAfter != null;
        return new Result(done.path("total").asInt(), groups, Duration.between(started.get(), finished), fanOut,
                metric ? Math.round(passesAfter[0] - passesBefore[0]) : -1,
                metric ? Duration.ofNanos(Math.round((passesAfter[1] - passesBefore[1]) * 1e9)) : Duration.ZERO, tables,
                List.copyOf(statements.subList(0, Math.min(8, statements.size()))), reads);
    }

    private JsonNode awaitSucceeded(String token, String id) throws Exception {
        Instant deadline = Instant.now().plus(FINISH);
        String accessToken = token;
        Instant tokenFrom = Instant.now();
        while (true) {
            if (Instant.now().isAfter(tokenFrom.plus(Duration.ofMinutes(2)))) {
                // Access tokens live 5 minutes; a large fleet's rollout takes longer.
                accessToken = OidcTokens.clientCredentials(platform.keycloak(), EdpRealm.NAME,
                        EdpRealm.AUTOMATION_CLIENT_ID, platform.automationSecret());
                tokenFrom = Instant.now();
            }
            HttpResponse<String> response = send(accessToken, "GET", "/api/devices/v1/rollouts/" + id, null);
            JsonNode rollout = Fleet.JSON.readTree(response.body());
            String status = rollout.path("status").asString("");
            if (response.statusCode() == 200 && "SUCCEEDED".equals(status)) {
                return rollout;
            }
            if (response.statusCode() != 200 || !"RUNNING".equals(status) || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("rollout " + id + " did not succeed within " + FINISH + ": "
                        + response.statusCode() + " " + response.body());
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /**
     * @return {@link #READ_COUNTERS} now, -1 for one device-management does not publish
     */
    private Map<String, Long> readCounters() throws Exception {
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String name : READ_COUNTERS) {
            JsonNode metric = metric(name);
            counters.put(name, metric == null ? -1 : metric.path("measurements").path(0).path("value").asLong());
        }
        return counters;
    }

    /**
     * @param name and query of one of device-management's metrics
     * @return its actuator document, or null if it does not publish it
     */
    private JsonNode metric(String name) throws Exception {
        URI uri = URI.create("http://localhost:" + (9083 + platform.portOffset()) + "/actuator/metrics/" + name);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? Fleet.JSON.readTree(response.body()) : null;
    }

    /**
     * @return count and total seconds of RolloutScheduler's passes, or null if
     * device-management does not publish them
     */
    private double[] schedulerTimer() throws Exception {
        JsonNode timer = metric(
                "tasks.scheduled.execution?tag=code.namespace:dev.edp.devicemanagement.rollout.RolloutScheduler");
        if (timer == null) {
            return null;
        }
        double count = 0;
        double total = 0;
        for (JsonNode measurement : timer.path("measurements")) {
            switch (measurement.path("statistic").asString("")) {
                case "COUNT" -> count = measurement.path("value").asDouble();
                case "TOTAL_TIME" -> total = measurement.path("value").asDouble();
                default -> {
                }
            }
        }
        return new double[] { count, total };
    }

    /** Cumulative statistics of the rollout tables, keyed {@code table.column}. */
    private Map<String, Long> tableStats() throws Exception {
        Map<String, Long> stats = new LinkedHashMap<>();
        try (Connection db = fleet.database(); java.sql.Statement statement = db.createStatement()) {
            // Counters of other backends reach the shared statistics within a second.
            statement.execute("select pg_stat_clear_snapshot()");
            try (ResultSet rows = statement.executeQuery("""
                    select relname, coalesce(seq_scan, 0), coalesce(seq_tup_read, 0), coalesce(idx_scan, 0),
                           coalesce(idx_tup_fetch, 0), n_tup_ins, n_tup_upd
                      from pg_stat_user_tables
                     where schemaname = 'devices' and relname like 'rollout%'
                     order by relname""")) {
                while (rows.next()) {
                    String table = rows.getString(1);
                    String[] columns = { "seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch", "n_tup_ins",
                            "n_tup_upd" };
                    for (int i = 0; i < columns.length; i++) {
                        stats.put(table + "." + columns[i], rows.getLong(i + 2));
                    }
                }
            }
        }
        return stats;
    }

    /**
     * @return cumulative per-statement figures of statements naming a rollout table, by
     * query id; empty when pg_stat_statements is not installed (a platform the benchmark
     * attached to may lack it)
     */
    private Map<Long, Statement> statementStats() throws Exception {
        Map<Long, Statement> stats = new LinkedHashMap<>();
        try (Connection db = fleet.database(); java.sql.Statement statement = db.createStatement()) {
            try (ResultSet present = statement
                .executeQuery("select 1 from pg_extension where extname = 'pg_stat_statements'")) {
                if (!present.next()) {
                    return stats;
                }
            }
            try (ResultSet rows = statement.executeQuery("""
                    select queryid, calls, rows, shared_blks_hit + shared_blks_read, total_exec_time,
                           left(regexp_replace(query, '\\s+', ' ', 'g'), 160)
                      from pg_stat_statements
                     where query like '%rollout%' and queryid is not null""")) {
                while (rows.next()) {
                    stats.merge(rows.getLong(1),
                            new Statement(rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getDouble(5),
                                    rows.getString(6)),
                            (a, b) -> new Statement(a.calls() + b.calls(), a.rows() + b.rows(), a.blocks() + b.blocks(),
                                    a.millis() + b.millis(), a.text()));
                }
            }
        }
        return stats;
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.gateway() + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(60));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        else {
            request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

}
