package dev.edp.agent.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.edp.agent.AgentOptions;
import dev.edp.agent.E3Transport;
import dev.edp.agent.E3Trust;
import dev.edp.agent.HostMetrics;
import dev.edp.agent.SimulatedExecutor;
import dev.edp.agent.Simulator;
import dev.edp.agent.TokenSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edp-agent simulate}: a fleet in this JVM ({@link Simulator}), with a summary
 * line every {@code --summary-every} and a final report.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "N virtual devices in this JVM: each onboards with its own token, heartbeats, follows its desired state.")
final class Simulate implements Callable<Integer> {

    /** Connections each simulated device keeps open (see {@link E3Transport#netty}). */
    private static final int CONNECTIONS_PER_DEVICE = E3Transport.DEFAULT_CONNECTIONS_PER_DEVICE;

    @Option(names = "--devices", required = true, description = "How many devices")
    int devices;

    @Option(names = "--e3", required = true, description = "E3's URL, e.g. https://localhost:8443")
    URI e3;

    @Option(names = "--trust", description = "PEM file with the certificate(s) to trust for E3")
    Path trust;

    @Option(names = "--trust-presented-certificate", description = "Trust the certificate E3 presents now "
            + "(only for a local ./edp up whose E3 is self-signed)")
    boolean trustPresented;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Tokens tokens;

    static final class Tokens {

        @Option(names = "--tokens-file", description = "File with one onboarding token per line")
        Path file;

        @ArgGroup(exclusive = false)
        Gateway gateway;

    }

    static final class Gateway {

        @Option(names = "--gateway", required = true, description = "Portal gateway URL, e.g. http://localhost:8080")
        URI url;

        @Option(names = "--client-id", required = true, description = "Keycloak client (an operator)")
        String clientId;

        @Option(names = "--client-secret", description = "Its secret (default: environment EDP_AGENT_CLIENT_SECRET,"
                + " which keeps it out of the process list)")
        String clientSecret;

        @Option(names = "--customer", required = true, description = "Customer id the devices belong to")
        UUID customer;

        @Option(names = "--token-url", defaultValue = "http://localhost:8180/realms/edp/protocol/openid-connect/token",
                description = "Keycloak token endpoint (default ${DEFAULT-VALUE})")
        URI tokenUrl;

        @Option(names = "--environment", defaultValue = "TESTING",
                description = "Environment of the devices (default ${DEFAULT-VALUE})")
        String environment;

    }

    @Option(names = "--interval", defaultValue = "30s", converter = DurationConverter.class,
            description = "Heartbeat interval per device, ±10 % jitter (default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--ramp-up", defaultValue = "10s", converter = DurationConverter.class,
            description = "Onboarding is spread over this time (default ${DEFAULT-VALUE})")
    Duration rampUp;

    @Option(names = "--enroll-parallel", defaultValue = "" + Simulator.Settings.DEFAULT_ENROLL_PARALLEL,
            description = "At most this many enrollments at once (default ${DEFAULT-VALUE})")
    int enrollParallel;

    @Option(names = "--fail-rate", defaultValue = "0",
            description = "Share of devices (0 to 1) that report every release 'reconciliation failed'"
                    + " (default ${DEFAULT-VALUE})")
    double failRate;

    @Option(names = "--unresponsive-rate", defaultValue = "0",
            description = "Share of devices (0 to 1) that never apply a release but keep heartbeating"
                    + " (default ${DEFAULT-VALUE})")
    double unresponsiveRate;

    @Option(names = "--fault-seed", defaultValue = "1",
            description = "Chooses which devices get a fault; the same seed, the same devices (default ${DEFAULT-VALUE})")
    long faultSeed;

    @Option(names = "--event-loop-threads", defaultValue = "0",
            description = "Netty event loop threads for all devices (default: one per two cores, 1 to 4)")
    int eventLoopThreads;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Stop after this time (default: until Ctrl-C)")
    Duration duration;

    @Option(names = "--summary-every", defaultValue = "5s", converter = DurationConverter.class,
            description = "Summary line period (default ${DEFAULT-VALUE})")
    Duration summaryEvery;

    @Option(names = "--name-prefix", defaultValue = "sim", description = "Devices are named <prefix>-<n>")
    String namePrefix;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String refused = refusal();
        if (refused != null) {
            System.err.println(refused);
            return 2;
        }
        if (tokens.gateway != null && tokens.gateway.clientSecret == null) {
            tokens.gateway.clientSecret = System.getenv("EDP_AGENT_CLIENT_SECRET");
            if (tokens.gateway.clientSecret == null || tokens.gateway.clientSecret.isBlank()) {
                System.err.println("--client-secret or EDP_AGENT_CLIENT_SECRET is needed with --gateway");
                return 2;
            }
        }
        E3Trust e3Trust = trust != null ? E3Trust.fromPem(trust) : E3Trust.presentedBy(e3);
        TokenSource source = tokens.file != null ? TokenSource.fromFile(tokens.file)
                : TokenSource.gateway(tokens.gateway.url, tokens.gateway.tokenUrl, tokens.gateway.clientId,
                        tokens.gateway.clientSecret, tokens.gateway.customer, tokens.gateway.environment);
        AgentOptions options = AgentOptions.defaults()
            .withHeartbeatInterval(interval)
            .withMetrics(HostMetrics.simulated())
            .withExecutor(SimulatedExecutor::new);
        Simulator simulator = new Simulator(
                new Simulator.Settings(devices, e3, e3Trust, source, options, rampUp, namePrefix)
                    .withEnrollParallel(enrollParallel)
                    .withFaults(failRate, unresponsiveRate, faultSeed)
                    .withEventLoopThreads(eventLoopThreads));
        warnAboutLimits();
        CountDownLatch done = new CountDownLatch(1);
        Simulator.Snapshot first = simulator.snapshot();
        Thread hook = new Thread(() -> {
            finish(simulator, first);
            done.countDown();
        }, "edp-simulator-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("Simulating " + devices + " devices against " + e3
                + (duration != null ? " for " + duration : "") + ", " + enrollParallel + " enrollments at a time"
                + (failRate > 0 || unresponsiveRate > 0 ? String.format(Locale.ROOT,
                        ", fault injection: %.3f fail every release, %.3f unresponsive (seed %d)", failRate,
                        unresponsiveRate, faultSeed) : "")
                + "; Ctrl-C stops.");
        simulator.start();
        Instant end = duration == null ? Instant.MAX : Instant.now().plus(duration);
        Simulator.Snapshot previous = first;
        while (Instant.now().isBefore(end)) {
            // Without --duration the end is Instant.MAX, whose distance overflows a long
            // of milliseconds.
            long wait = duration == null ? summaryEvery.toMillis()
                    : Math.min(summaryEvery.toMillis(), Math.max(1, Duration.between(Instant.now(), end).toMillis()));
            if (done.await(wait, TimeUnit.MILLISECONDS)) {
                return 0;
            }
            Simulator.Snapshot now = simulator.snapshot();
            System.out.println(now.at() + " " + now.line(previous));
            previous = now;
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        Simulator.Snapshot last = finish(simulator, first);
        return last.onboarded() == 0 ? 1 : 0;
    }

    /**
     * @return why the options cannot work, or null
     */
    private String refusal() {
        if (devices < 1) {
            return "--devices must be at least 1";
        }
        if ((trust == null) == !trustPresented) {
            return "Give exactly one of --trust FILE and --trust-presented-certificate";
        }
        if (enrollParallel < 1) {
            return "--enroll-parallel must be at least 1";
        }
        if (eventLoopThreads < 0) {
            return "--event-loop-threads must be 0 (automatic) or more";
        }
        if (!(failRate >= 0 && failRate <= 1) || !(unresponsiveRate >= 0 && unresponsiveRate <= 1)
                || failRate + unresponsiveRate > 1) {
            return "--fail-rate and --unresponsive-rate must be between 0 and 1, together at most 1";
        }
        return null;
    }

    /**
     * Every device keeps {@value #CONNECTIONS_PER_DEVICE} connections: a file descriptor
     * each, and a local port each towards E3's one address. Says so before the simulation
     * fails on it half way.
     */
    private void warnAboutLimits() {
        long needed = (long) devices * CONNECTIONS_PER_DEVICE + 1000;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                && unix.getMaxFileDescriptorCount() < needed) {
            System.err.println("Warning: the open-file limit is " + unix.getMaxFileDescriptorCount() + ", " + devices
                    + " devices need about " + needed + " (raise it with ulimit -n before starting)");
        }
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            long ports = Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1;
            if (ports < (long) devices * CONNECTIONS_PER_DEVICE) {
                System.err.println("Warning: the local port range " + range[0] + "-" + range[1] + " has " + ports
                        + " ports, fewer than the " + (long) devices * CONNECTIONS_PER_DEVICE
                        + " connections to E3's address (sysctl -w net.ipv4.ip_local_port_range=\"1024 65535\")");
            }
        }
        catch (IOException | RuntimeException ex) {
            // not Linux: nothing to check
        }
    }

    private static Simulator.Snapshot finish(Simulator simulator, Simulator.Snapshot first) {
        Simulator.Snapshot running = simulator.snapshot();
        simulator.stop();
        Simulator.Snapshot last = simulator.snapshot();
        double seconds = Math.max(0.001, Duration.between(first.at(), last.at()).toMillis() / 1000.0);
        System.out.println("Simulation finished after " + Duration.between(first.at(), last.at()).toSeconds() + " s: "
                + last.onboarded() + " of " + last.requested() + " devices onboarded (" + last.onboardingFailures()
                + " failed), " + running.online() + " online at the end, " + last.heartbeats() + " heartbeats ("
                + String.format(Locale.ROOT, "%.1f", last.heartbeats() / seconds) + "/s, "
                + last.heartbeatLatency().summary() + "), desired states delivered " + last.deliveries() + " ("
                + last.deliveryLatency().summary() + "), errors " + last.errorCount()
                + (last.errors().isEmpty() ? "" : " " + last.errors()) + ", renewals " + last.renewals()
                + (last.faults().isEmpty() ? "" : ", injected faults " + last.faults())
                + (last.stopped().isEmpty() ? "" : ", stopped early " + last.stopped()) + ", heap "
                + (running.heapUsedBytes() >> 20) + " MB, platform threads " + running.platformThreads());
        System.out.flush();
        return last;
    }

}
