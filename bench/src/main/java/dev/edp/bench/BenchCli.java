package dev.edp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.edp.agent.E3Trust;
import dev.edp.agent.net.HttpRequestSpec;
import dev.edp.agent.net.NettyHttp;
import dev.edp.keycloak.LocalPorts;
import io.netty.handler.ssl.SslContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./edp bench}: the device path against Debian's nginx, in one run, with one load
 * generator. See docs/benchmarks.md for what each line means.
 */
@Command(name = "edp-bench", mixinStandardHelpOptions = true,
        description = "Measures the device path (E3, heartbeats, handshakes, enrollment, desired-state fan-out) "
                + "against nginx doing the same mTLS proxying, in one run on this machine.")
public final class BenchCli implements Callable<Integer> {

    static final String NOOP_PATH = "/bench/noop";

    @Option(names = "--devices",
            description = "device certificates enrolled and used by the load (default ${DEFAULT-VALUE})")
    int devices = 1000;

    @Option(names = "--in-flight",
            description = "requests in flight at once, like autocannon's connections (default ${DEFAULT-VALUE})")
    int inFlight = 8;

    @Option(names = "--handshake-in-flight",
            description = "connections being made at once in the handshake phases (default ${DEFAULT-VALUE})")
    int handshakeInFlight = 8;

    /**
     * 30 s: with 10 s, monitoring's batch path was still being compiled in the measured
     * window (heartbeats 1,099-1,882/s over three runs, 2,363/s with 30 s;
     * docs/benchmarks.md).
     */
    @Option(names = "--warm-up", description = "unmeasured time before each phase (default ${DEFAULT-VALUE})")
    Duration warmUp = Duration.ofSeconds(30);

    @Option(names = "--duration", description = "measured time of each phase (default ${DEFAULT-VALUE})")
    Duration duration = Duration.ofSeconds(20);

    @Option(names = "--enroll-in-flight", description = "enrollments at once (default ${DEFAULT-VALUE})")
    int enrollInFlight = 16;

    @Option(names = "--nginx-workers", description = "nginx worker processes (default: one per core)")
    int nginxWorkers = Runtime.getRuntime().availableProcessors();

    @Option(names = "--root", description = "repository root (default: the working directory)")
    Path root = Path.of("").toAbsolutePath();

    @Option(names = "--attach",
            description = "measure the platform whose state directory this is, instead of starting one "
                    + "(its E3 must have been started with EDP_E3_BENCHMARK_NOOP_URL=--noop-url)")
    Path attach;

    @Option(names = "--port-offset",
            description = "port offset of the platform to start or attach to (default ${DEFAULT-VALUE})")
    int portOffset = 10000;

    @Option(names = "--noop-port", description = "port of the no-op upstream (default: free port chosen)")
    int noopPort;

    @Option(names = "--markdown", description = "append the report in Markdown to this file")
    Path markdown;

    @Option(names = "--smoke", description = "a few devices and seconds: checks that every path works, fails only when "
            + "one is broken, never on a timing")
    boolean smoke;

    @Option(names = "--only-rollout",
            description = "enroll the devices, then only the phased rollout (no nginx, load or fan-out phases)")
    boolean onlyRollout;

    @Option(names = "--no-rollout", description = "leave out the phased rollout phase")
    boolean noRollout;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (smoke) {
            devices = Math.min(devices, 20);
            warmUp = Duration.ofSeconds(1);
            duration = Duration.ofSeconds(2);
            // A rollout takes every ACTIVE TESTING device of the customer: on a shared
            // platform other tests' devices (never answering) would hold it RUNNING and
            // block their pins.
            noRollout = true;
        }
        if (noopPort == 0) {
            noopPort = LocalPorts.unused();
        }
        Path work = root.resolve("bench/target/run");
        Files.createDirectories(work);
        List<String> problems = new ArrayList<>();
        Report report = new Report(devices, inFlight, warmUp, duration);
        System.out.printf("edp-bench: %d devices, %d in flight, warm-up %s, measured %s%s%n", devices, inFlight, warmUp,
                duration, smoke ? " (smoke)" : "");
        try (NettyHttp net = new NettyHttp(1);
                PlatformUnderTest platform = attach != null ? PlatformUnderTest.attach(attach, portOffset)
                        : startPlatform(work);
                NginxReference nginx = new NginxReference(work.resolve("nginx"), LocalPorts.unused(), noopPort)) {
            report.environment(NginxReference.version(), NettyHttp.sslProvider().name(), attach != null
                    ? "attached platform (its own flags)" : String.join(" ", PlatformUnderTest.PRODUCTION_JVM_FLAGS));
            Fleet fleet = new Fleet(platform, net);

            System.out.println("Creating " + devices + " onboarding tokens through the gateway ...");
            var tokens = fleet.tokens(devices, "bench-" + Long.toString(System.currentTimeMillis(), 36), 8);
            report.tokens(tokens.value().size(), tokens.took());

            int unmeasured = smoke ? 0 : devices / 2;
            System.out.println("Enrolling them through E3 (the first " + unmeasured + " unmeasured, to warm up) ...");
            Fleet.Enrolled enrolled = fleet.enroll(tokens.value(), enrollInFlight, unmeasured,
                    CpuMeter.platform(platform.stateDir(), Map.of()));
            report.enrollment(enrolled);
            System.out.println("  " + enrolled.atE3() + "; all " + enrolled.measured() + " ACTIVE after "
                    + enrolled.untilActive().toMillis() + " ms");
            List<Device> fleetDevices = enrolled.devices();
            check(problems, fleetDevices.size() == devices,
                    "only " + fleetDevices.size() + " of " + devices + " enrolled");

            if (onlyRollout) {
                List<SslContext> contexts = new ArrayList<>();
                for (Device device : fleetDevices) {
                    contexts.add(device.tls(fleet.e3Trust()));
                }
                rollout(platform, net, fleet, fleetDevices, contexts, report);
                return finish(report, problems);
            }
            ReferenceCertificates reference = ReferenceCertificates.create();
            // No ssl_crl for nginx: it checks a CRL for every certificate of the chain
            // (OpenSSL's CRL_CHECK_ALL) and the platform publishes none for its root, so
            // every device would be refused (400). E3 checks the device certificate
            // against the issuing CA's CRL; the reference does that little less work.
            nginx.start(reference.chainPem(), reference.keyPem(),
                    get(platform.e3() + "/onboarding/api/v1/ca/chain.pem", fleet), nginxWorkers);

            List<SslContext> toNginx = new ArrayList<>();
            List<SslContext> toE3 = new ArrayList<>();
            List<SslContext> freshToNginx = new ArrayList<>();
            List<SslContext> freshToE3 = new ArrayList<>();
            for (Device device : fleetDevices) {
                toNginx.add(device.tls(List.of(reference.root())));
                toE3.add(device.tls(fleet.e3Trust()));
                freshToNginx.add(device.freshTls(List.of(reference.root())));
                freshToE3.add(device.freshTls(fleet.e3Trust()));
            }
            // Every server-side process, in every phase: nginx is also E3's no-op
            // upstream.
            CpuMeter cpu = CpuMeter.platform(platform.stateDir(), Map.of("nginx", nginx::processes));
            LoadGenerator atNginx = new LoadGenerator(net, new InetSocketAddress("127.0.0.1", nginx.tlsPort()),
                    "localhost", cpu);
            LoadGenerator atE3 = new LoadGenerator(net, new InetSocketAddress("127.0.0.1", platform.e3().getPort()),
                    "localhost", cpu);
            HttpRequestSpec noop = HttpRequestSpec.get(NOOP_PATH, Map.of());

            Stats.Result nginxNoop = phase(
                    atNginx.keepAlive("nginx → no-op", toNginx, i -> noop, 204, inFlight, warmUp, duration));
            Stats.Result e3Noop = phase(atE3.keepAlive("E3 → no-op", toE3, i -> noop, 204, inFlight, warmUp, duration));
            AtomicLongArray accepted = new AtomicLongArray(fleetDevices.size());
            AtomicLongArray sequence = new AtomicLongArray(fleetDevices.size());
            Stats.Result heartbeats = phase(
                    atE3.keepAlive("E3 → monitoring heartbeat", toE3, i -> heartbeat(i, sequence), (device, status) -> {
                        if (status == 202) {
                            accepted.set(device, sequence.get(device));
                        }
                    }, 202, inFlight, warmUp, duration));
            Verified verified = verifyHeartbeats(fleet, fleetDevices, accepted);
            report.keepAlive(nginxNoop, e3Noop, heartbeats, verified.text());
            check(problems, verified.ok(), verified.text());

            Stats.Result nginxHandshakes = phase(atNginx.handshakes("nginx fresh handshakes", freshToNginx, noop, 204,
                    handshakeInFlight, warmUp, duration));
            Stats.Result e3Handshakes = phase(
                    atE3.handshakes("E3 fresh handshakes", freshToE3, noop, 204, handshakeInFlight, warmUp, duration));
            report.handshakes(nginxHandshakes, e3Handshakes);

            System.out.println("Fan-out: every device long-polls through E3, a release is pinned to TESTING ...");
            FanOut.Result fanOut = new FanOut(platform, net, fleet).run(fleetDevices, toE3);
            report.fanOut(fanOut);
            System.out.println("  delivered to all " + fanOut.devices() + " in " + fanOut.delivered().toMillis()
                    + " ms, all ready in device-management after " + fanOut.reported().toMillis() + " ms ("
                    + fanOut.reportsRetried() + " reports sent again after 503/429, long-polls sent again by status "
                    + fanOut.pollsRetried() + ")");

            if (!noRollout) {
                rollout(platform, net, fleet, fleetDevices, toE3, report);
            }

            for (Stats.Result result : List.of(nginxNoop, e3Noop, heartbeats, nginxHandshakes, e3Handshakes)) {
                check(problems, result.succeeded() > 0,
                        result.name() + ": no request succeeded (" + result.outcomesText() + ")");
            }
        }
        return finish(report, problems);
    }

    private static void rollout(PlatformUnderTest platform, NettyHttp net, Fleet fleet, List<Device> devices,
            List<SslContext> contexts, Report report) throws Exception {
        System.out.println("Phased rollout: " + RolloutRun.GROUPS.size() + " groups " + RolloutRun.GROUPS
                + ", every device long-polls through E3 ...");
        RolloutRun.Result rollout = new RolloutRun(platform, net, fleet).run(devices, contexts);
        report.rollout(rollout);
        System.out.println("  " + rollout.groups() + "; SUCCEEDED after " + rollout.total().toMillis() + " ms; "
                + rollout.passes() + " scheduler passes, " + rollout.passTime().toMillis() + " ms in total; "
                + rollout.tables() + "; failed long-poll set-ups " + rollout.fanOut().setupFailures()
                + "; long-polls sent again by status " + rollout.fanOut().pollsRetried());
        rollout.statements().forEach(statement -> System.out.println("  " + statement));
    }

    private Integer finish(Report report, List<String> problems) throws IOException {
        String text = report.markdown(problems);
        System.out.println();
        System.out.println(text);
        if (markdown != null) {
            Files.writeString(markdown, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        return problems.isEmpty() ? 0 : 1;
    }

    private PlatformUnderTest startPlatform(Path work) throws IOException, InterruptedException {
        System.out
            .println("Starting the platform (launcher, production JVM flags, port offset " + portOffset + ") ...");
        return PlatformUnderTest.start(root, work.resolve("edp-state"), portOffset, "http://127.0.0.1:" + noopPort);
    }

    private static Stats.Result phase(Stats.Result result) {
        System.out.println("  " + result);
        return result;
    }

    private static void check(List<String> problems, boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
            System.out.println("  PROBLEM: " + problem);
        }
    }

    /**
     * A heartbeat whose uptime is the device's own sequence number, so the stored row
     * tells which one arrived last.
     */
    private static HttpRequestSpec heartbeat(int device, AtomicLongArray sequence) {
        long uptime = sequence.incrementAndGet(device);
        String json = String.format(Locale.ROOT,
                "{\"uptimeSeconds\":%d,\"agentVersion\":\"bench-1\",\"osVersion\":\"bench\","
                        + "\"cpuLoad\":12.5,\"memory\":{\"usedBytes\":1073741824,\"totalBytes\":4294967296},"
                        + "\"systemDisk\":{\"usedBytes\":2147483648,\"totalBytes\":8589934592},"
                        + "\"containerDisk\":{\"usedBytes\":5368709120,\"totalBytes\":37580963840},"
                        + "\"containers\":{\"running\":1,\"total\":1}}",
                uptime);
        return HttpRequestSpec.postJson("/monitoring/api/v1/heartbeat", json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param ok whether every device's last heartbeat is the stored one
     */
    private record Verified(boolean ok, String text) {
    }

    /**
     * Every heartbeat a device sends carries its next sequence number as uptime, one
     * request at a time per device; after monitoring's flush, each device's stored uptime
     * must be the last number that was accepted (202; one refused with 429 or 503 was
     * never taken).
     */
    private static Verified verifyHeartbeats(Fleet fleet, List<Device> devices, AtomicLongArray accepted)
            throws Exception {
        List<UUID> ids = devices.stream().map(Device::id).toList();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        long matching = 0;
        long sent = 0;
        while (true) {
            matching = 0;
            sent = 0;
            try (Connection db = fleet.database();
                    PreparedStatement statement = db.prepareStatement(
                            "select device_id, uptime_seconds from monitoring.device_status where device_id = any(?)")) {
                statement.setArray(1, db.createArrayOf("uuid", ids.toArray()));
                Map<UUID, Long> stored = new java.util.HashMap<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        stored.put(rows.getObject(1, UUID.class), rows.getLong(2));
                    }
                }
                for (int i = 0; i < ids.size(); i++) {
                    long last = accepted.get(i);
                    if (last > 0) {
                        sent++;
                        if (stored.getOrDefault(ids.get(i), -1L) == last) {
                            matching++;
                        }
                    }
                }
            }
            if (matching == sent || Instant.now().isAfter(deadline)) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return new Verified(matching == sent && sent > 0,
                String.format(Locale.ROOT,
                        "heartbeats in PostgreSQL: %d of %d devices' last heartbeat stored (monitoring.device_status)",
                        matching, sent));
    }

    private static String get(String url, Fleet fleet) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().sslContext(E3Trust.of(fleet.e3Trust()).sslContext(null)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return response.body();
    }

}
