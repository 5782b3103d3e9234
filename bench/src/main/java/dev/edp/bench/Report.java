package dev.edp.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's report: one Markdown section with every figure and its ratio to the
 * reference.
 */
final class Report {

    private final StringBuilder rows = new StringBuilder();

    private final StringBuilder notes = new StringBuilder();

    private final StringBuilder cpuNotes = new StringBuilder();

    private final int devices;

    private final int inFlight;

    private final Duration warmUp;

    private final Duration duration;

    private String environment = "";

    Report(int devices, int inFlight, Duration warmUp, Duration duration) {
        this.devices = devices;
        this.inFlight = inFlight;
        this.warmUp = warmUp;
        this.duration = duration;
    }

    void environment(String nginxVersion, String clientTls, String serviceFlags) {
        Runtime runtime = Runtime.getRuntime();
        environment = String.format(Locale.ROOT,
                "%d cores, %d GB, %s %s, JDK %s; %s; load client TLS: %s; " + "services' JVM flags: `%s`",
                runtime.availableProcessors(),
                Math.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getTotalMemorySize() / 1e9),
                System.getProperty("os.name"), System.getProperty("os.version"), Runtime.version(), nginxVersion,
                clientTls, serviceFlags);
    }

    void tokens(int count, Duration took) {
        notes.append(String.format(Locale.ROOT,
                "- Onboarding tokens created through the gateway (each registers its "
                        + "device in device-management): %d in %.1f s (%.0f/s, 8 at a time; not a goal, set-up).%n",
                count, seconds(took), count / seconds(took)));
    }

    void enrollment(Fleet.Enrolled enrolled) {
        int count = enrolled.measured();
        int unmeasured = enrolled.devices().size() - count;
        row("enrollments answered by E3 (CSR check, signing, storage)", enrolled.atE3(), null, "");
        rows.append(String.format(Locale.ROOT,
                "| enrollments end to end (until all %d ACTIVE in device-management) | "
                        + "%.0f/s | | | | | %d in %.2f s |%n",
                count, count / seconds(enrolled.untilActive()), count, seconds(enrolled.untilActive())));
        if (unmeasured > 0) {
            notes.append(String.format(Locale.ROOT,
                    "- Enrollments: the first %d were not measured (they warm the path up on freshly started "
                            + "services); the rows above are the %d after them.%n",
                    unmeasured, count));
        }
    }

    void keepAlive(Stats.Result nginx, Stats.Result e3, Stats.Result heartbeats, String verified) {
        row("nginx → no-op (mTLS, keep-alive)", nginx, null, "reference");
        row("E3 → no-op (mTLS, keep-alive)", e3, nginx, "× nginx");
        row("E3 → monitoring heartbeat (whole pipeline)", heartbeats, e3, "× E3 → no-op");
        notes.append("- ").append(verified).append('.').append(System.lineSeparator());
    }

    void handshakes(Stats.Result nginx, Stats.Result e3) {
        row("nginx fresh mTLS handshakes (+ 1 request)", nginx, null, "reference");
        row("E3 fresh mTLS handshakes (+ 1 request)", e3, nginx, "× nginx");
    }

    void fanOut(FanOut.Result fanOut) {
        rows.append(String
            .format(Locale.ROOT, "| desired-state fan-out: TESTING pin → %d devices | | | | | | delivered "
                    + "to all in %.2f s, all `ready` in device-management after %.2f s (%d reports sent again after "
                    + "503/429, long-polls sent again by status %s) |%n", fanOut.devices(), seconds(fanOut.delivered()),
                    seconds(fanOut.reported()), fanOut.reportsRetried(), fanOut.pollsRetried()));
        setupFailures(fanOut);
    }

    /** Failed connection set-ups of the long-polls (each tried again), if any. */
    private void setupFailures(FanOut.Result fanOut) {
        notes.append(String.format(Locale.ROOT,
                "- Long-poll connections: opened %d at a time; failed set-ups (connect, TLS handshake or first read; "
                        + "each tried again after a second): %s.",
                FanOut.SETUPS, fanOut.setupFailures().isEmpty() ? "none" : fanOut.setupFailures()))
            .append(System.lineSeparator());
    }

    void rollout(RolloutRun.Result rollout) {
        StringBuilder groups = new StringBuilder();
        for (RolloutRun.Group group : rollout.groups()) {
            groups.append(String.format(Locale.ROOT, "group %d (%d devices) %.1f s, ", group.index(), group.devices(),
                    seconds(group.took())));
        }
        rows.append(String.format(Locale.ROOT,
                "| phased rollout: %d groups → %d devices | | | | | | %sSUCCEEDED %.1f s after the request (delivered to "
                        + "all in %.2f s, all `ready` after %.2f s; long-polls sent again by status %s) |%n",
                rollout.groups().size(), rollout.devices(), groups, seconds(rollout.total()),
                seconds(rollout.fanOut().delivered()), seconds(rollout.fanOut().reported()),
                rollout.fanOut().pollsRetried()));
        setupFailures(rollout.fanOut());
        notes
            .append(rollout.passes() < 0
                    ? "- Rollout scheduler: its pass timer (tasks.scheduled.execution) was not found."
                    : String.format(Locale.ROOT,
                            "- Rollout scheduler during the rollout: %d passes, %.3f s in total (%.1f ms each; "
                                    + "tasks.scheduled.execution of RolloutScheduler).",
                            rollout.passes(), seconds(rollout.passTime()),
                            rollout.passes() == 0 ? 0 : seconds(rollout.passTime()) * 1000 / rollout.passes()))
            .append(System.lineSeparator());
        Map<String, Long> reads = rollout.desiredStateReads();
        notes
            .append(String.format(Locale.ROOT,
                    "- Desired-state reads in device-management over the phase (parking, rollout, reports): %d "
                            + "requests read in %d queries on arrival; %d woken long-polls read in %d queries "
                            + "(edp_desired_state_* counters; -1: not published).",
                    reads.get("edp.desired.state.arrivals"), reads.get("edp.desired.state.arrival.reads"),
                    reads.get("edp.desired.state.woken"), reads.get("edp.desired.state.wake.reads")))
            .append(System.lineSeparator());
        StringBuilder tables = new StringBuilder();
        rollout.tables()
            .forEach(
                    (key, value) -> tables.append(tables.isEmpty() ? "" : ", ").append(key).append(" +").append(value));
        notes
            .append("- Rollout tables meanwhile (pg_stat_user_tables deltas; scheduler, reports and "
                    + "desired-state deliveries together): ")
            .append(tables)
            .append('.')
            .append(System.lineSeparator());
        if (!rollout.statements().isEmpty()) {
            notes
                .append("- Statements on the rollout tables that read the most (pg_stat_statements deltas: calls, "
                        + "rows, shared blocks, ms):")
                .append(System.lineSeparator());
            for (RolloutRun.Statement statement : rollout.statements()) {
                notes.append(String.format(Locale.ROOT,
                        "  - %d calls, %d rows, %d blocks (%.1f per call), %.0f ms: `%s`", statement.calls(),
                        statement.rows(), statement.blocks(), (double) statement.blocks() / statement.calls(),
                        statement.millis(), statement.text().replace('`', '\'')))
                    .append(System.lineSeparator());
            }
        }
    }

    private void row(String name, Stats.Result result, Stats.Result reference, String ratioText) {
        String ratio = reference == null ? ratioText : reference.succeeded() == 0 ? "n/a (the reference failed)"
                : String.format(Locale.ROOT, "%.2f %s", result.perSecond() / reference.perSecond(), ratioText);
        String cpu = result.cpuMicros().isEmpty() ? "" : String.format(Locale.ROOT, "%.0f", result.cpuMicrosTotal());
        rows.append(String.format(Locale.ROOT, "| %s | %.0f/s | %s | %.2f | %.2f | %s | %s |%n", name,
                result.perSecond(), ratio, result.p50Millis(), result.p99Millis(), cpu, result.outcomesText()));
        if (!result.cpuMicros().isEmpty()) {
            String relative = reference == null || reference.cpuMicros().isEmpty() ? "" : String.format(Locale.ROOT,
                    "; %.1f × the CPU of %s", result.cpuMicrosTotal() / reference.cpuMicrosTotal(), reference.name());
            cpuNotes.append(String.format(Locale.ROOT, "  - %s: %s%s%n", result.name(),
                    CpuMeter.text(result.cpuMicros()), relative));
        }
    }

    String markdown(List<String> problems) {
        StringBuilder text = new StringBuilder();
        text.append("### Run of ")
            .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
            .append(System.lineSeparator())
            .append(System.lineSeparator());
        text.append(String.format(Locale.ROOT,
                "%d device certificates; %d requests in flight; %s warm-up, %s measured per " + "phase. %s.%n%n",
                devices, inFlight, warmUp, duration, environment));
        text.append("| path | rate | ratio | p50 ms | p99 ms | server CPU µs/request | outcomes |")
            .append(System.lineSeparator());
        text.append("|---|---|---|---|---|---|---|").append(System.lineSeparator());
        text.append(rows).append(System.lineSeparator()).append(notes);
        if (!cpuNotes.isEmpty()) {
            text.append("- Server-side CPU per successful request, µs, by process (user + system time of nginx, the ")
                .append("platform's services and PostgreSQL over the measured window; processes under 1 % left out; ")
                .append("the load client is not counted). They show where a request's cost lies; on a busy machine ")
                .append("they grow as well (the JIT compiles later, caches are shared), so compare runs on an idle one:")
                .append(System.lineSeparator())
                .append(cpuNotes);
        }
        if (!problems.isEmpty()) {
            text.append(System.lineSeparator()).append("**Problems:**").append(System.lineSeparator());
            problems.forEach(problem -> text.append("- ").append(problem).append(System.lineSeparator()));
        }
        return text.toString();
    }

    private static double seconds(Duration duration) {
        return Math.max(1e-9, duration.toNanos() / 1e9);
    }

}
