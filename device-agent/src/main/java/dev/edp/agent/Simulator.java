package dev.edp.agent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import dev.edp.agent.net.NettyHttp;

/**
 * N virtual devices in one JVM, each a {@link DeviceAgent} with its own key, certificate
 * and onboarding token. Built for tens of thousands: every device's requests share one
 * Netty event loop ({@link E3Transport#netty}, two keep-alive connections per device),
 * its loops are virtual threads, and what all devices have in common (trust anchors, the
 * enrollment TLS context, request headers, the simulated containers' timer) exists once.
 * Devices onboard spread over {@code rampUp}, at most {@code enrollParallel} at a time,
 * and keep their key in memory only. A share of them can be made to fail or ignore every
 * release ({@link InjectedFault}), chosen by device number and seed.
 *
 * <pre>{@code
 * try (Simulator simulator = new Simulator(settings)) {
 *     simulator.start();
 *     ... simulator.snapshot() ...
 * }   // stop(): every device stops
 * }</pre>
 */
public final class Simulator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.edp.agent.simulator");

    /**
     * Distinct error keys counted; more (a server inventing codes) are counted as one.
     */
    private static final int MAX_ERROR_KEYS = 64;

    /** A release's delivery wave ends when no device received it for this long. */
    private static final Duration WAVE_GAP = Duration.ofSeconds(60);

    /**
     * What to simulate.
     *
     * @param devices how many devices
     * @param e3 E3's URL
     * @param trust the E3 trust
     * @param tokens where onboarding tokens come from
     * @param options how each device behaves (simulated containers and figures are
     * usual); its transport is replaced by the simulator's shared Netty client unless it
     * already is a Netty one
     * @param rampUp onboarding is spread over this time
     * @param namePrefix devices are named {@code <prefix>-<n>}, n from 1
     * @param enrollParallel at most this many enrollments at once
     * @param failRate share of devices that report every release
     * {@code reconciliation failed}
     * @param unresponsiveRate share of devices that never apply a release (but keep
     * heartbeating)
     * @param seed chooses which devices get a fault
     * @param eventLoopThreads Netty event loop threads, 0 for one per two cores (1 to 4)
     */
    public record Settings(int devices, URI e3, E3Trust trust, TokenSource tokens, AgentOptions options,
            Duration rampUp, String namePrefix, int enrollParallel, double failRate, double unresponsiveRate, long seed,
            int eventLoopThreads) {

        /** Enrollments at once unless told otherwise. */
        public static final int DEFAULT_ENROLL_PARALLEL = 8;

        public Settings {
            if (devices < 1 || enrollParallel < 1 || eventLoopThreads < 0) {
                throw new IllegalArgumentException("devices and enrollParallel must be at least 1");
            }
            if (!(failRate >= 0 && failRate <= 1 && unresponsiveRate >= 0 && unresponsiveRate <= 1
                    && failRate + unresponsiveRate <= 1)) {
                throw new IllegalArgumentException(
                        "failRate and unresponsiveRate must be between 0 and 1, together at most 1");
            }
        }

        /** Without faults, {@value #DEFAULT_ENROLL_PARALLEL} enrollments at a time. */
        public Settings(int devices, URI e3, E3Trust trust, TokenSource tokens, AgentOptions options, Duration rampUp,
                String namePrefix) {
            this(devices, e3, trust, tokens, options, rampUp, namePrefix, DEFAULT_ENROLL_PARALLEL, 0, 0, 0, 0);
        }

        /**
         * @param parallel enrollments at once @return changed settings
         */
        public Settings withEnrollParallel(int parallel) {
            return new Settings(devices, e3, trust, tokens, options, rampUp, namePrefix, parallel, failRate,
                    unresponsiveRate, seed, eventLoopThreads);
        }

        /**
         * @param fail share of devices whose reconciliations fail
         * @param unresponsive share of devices that never apply a release
         * @param faultSeed chooses the devices
         * @return changed settings
         */
        public Settings withFaults(double fail, double unresponsive, long faultSeed) {
            return new Settings(devices, e3, trust, tokens, options, rampUp, namePrefix, enrollParallel, fail,
                    unresponsive, faultSeed, eventLoopThreads);
        }

        /**
         * @param threads Netty event loop threads (0: automatic) @return changed settings
         */
        public Settings withEventLoopThreads(int threads) {
            return new Settings(devices, e3, trust, tokens, options, rampUp, namePrefix, enrollParallel, failRate,
                    unresponsiveRate, seed, threads);
        }
    }

    /**
     * Counters at one moment.
     *
     * @param at when
     * @param requested devices asked for
     * @param onboarded devices enrolled
     * @param onboardingFailures enrollments that failed
     * @param online devices running with a heartbeat within two intervals
     * @param heartbeats heartbeats accepted since the start
     * @param errors failed requests since the start, by kind, status (or {@code connect})
     * and problem code
     * @param renewals certificates renewed
     * @param stopped devices stopped, by reason
     * @param heartbeatLatency from sending a heartbeat to E3's answer, since the start
     * @param deliveries desired-state changes received (a device's first fetch is not a
     * change)
     * @param deliveryLatency per change received: time since the first device of the
     * simulation received the same release in the same wave (the simulator cannot see
     * when the platform changed it)
     * @param faults onboarded devices by injected fault, in the enum's order (those
     * without one are not counted)
     * @param platformThreads the JVM's live platform threads
     * @param heapUsedBytes heap in use (including garbage not yet collected)
     */
    public record Snapshot(Instant at, int requested, long onboarded, long onboardingFailures, long online,
            long heartbeats, Map<String, Long> errors, long renewals, Map<String, Long> stopped,
            Latencies heartbeatLatency, long deliveries, Latencies deliveryLatency, Map<InjectedFault, Long> faults,
            int platformThreads, long heapUsedBytes) {

        /**
         * @return all errors
         */
        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * @param previous an earlier snapshot
         * @return one summary line with the rates and latencies since then
         */
        public String line(Snapshot previous) {
            double seconds = Math.max(0.001, Duration.between(previous.at, at).toMillis() / 1000.0);
            return String.format(Locale.ROOT, "devices online %d/%d, onboarded %d (%d failed), heartbeats/s %.1f (%s),"
                    + " desired states delivered %d (%s), errors %d%s, renewals %d%s, heap %d MB, platform threads %d",
                    online, requested, onboarded, onboardingFailures, (heartbeats - previous.heartbeats) / seconds,
                    heartbeatLatency.since(previous.heartbeatLatency).summary(), deliveries - previous.deliveries,
                    deliveryLatency.since(previous.deliveryLatency).summary(), errorCount(),
                    errors.isEmpty() ? "" : " " + errors, renewals, stopped.isEmpty() ? "" : ", stopped " + stopped,
                    heapUsedBytes >> 20, platformThreads);
        }
    }

    private final Settings settings;

    private final FaultPlan faults;

    private final NettyHttp net;

    private final AgentOptions options;

    private final Queue<DeviceAgent> agents = new ConcurrentLinkedQueue<>();

    private final LongAdder onboarded = new LongAdder();

    private final LongAdder onboardingFailures = new LongAdder();

    private final LongAdder heartbeats = new LongAdder();

    private final LongAdder renewals = new LongAdder();

    private final LongAdder deliveries = new LongAdder();

    private final LatencyRecorder heartbeatLatency = new LatencyRecorder();

    private final LatencyRecorder deliveryLatency = new LatencyRecorder();

    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    private final Map<String, LongAdder> stopped = new ConcurrentHashMap<>();

    private final Map<InjectedFault, LongAdder> faulty = new ConcurrentHashMap<>();

    private final Map<UUID, Wave> waves = new ConcurrentHashMap<>();

    private final ExecutorService onboarding = Executors.newVirtualThreadPerTaskExecutor();

    private volatile boolean stopping;

    /**
     * @param settings what to simulate
     */
    public Simulator(Settings settings) {
        this.settings = settings;
        this.faults = FaultPlan.of(settings.devices(), settings.failRate(), settings.unresponsiveRate(),
                settings.seed());
        if (settings.options().transport().isNetty()) {
            this.net = null;
            this.options = settings.options();
        }
        else {
            int threads = settings.eventLoopThreads() > 0 ? settings.eventLoopThreads()
                    : Math.clamp(Runtime.getRuntime().availableProcessors() / 2, 1, 4);
            this.net = new NettyHttp(threads);
            this.options = settings.options().withTransport(E3Transport.netty(net));
        }
    }

    /** Starts onboarding the devices; returns at once. */
    public void start() {
        // One thread paces the enrollments (ramp-up, then at most enrollParallel at once,
        // in device order); a device's thread lives only while it enrolls.
        Semaphore parallel = new Semaphore(settings.enrollParallel());
        long spread = settings.rampUp().toNanos();
        long begin = System.nanoTime();
        onboarding.submit(() -> {
            for (int i = 1; i <= settings.devices() && !stopping; i++) {
                long due = begin + (settings.devices() == 1 ? 0 : spread / (settings.devices() - 1) * (i - 1));
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                parallel.acquire();
                int number = i;
                onboarding.submit(() -> onboard(number, parallel));
            }
            return null;
        });
    }

    /**
     * Enrolls device {@code number}, then gives back its enrollment slot before it
     * starts.
     */
    private void onboard(int number, Semaphore parallel) {
        String name = settings.namePrefix() + "-" + number;
        InjectedFault fault = faults.faultOf(number);
        DeviceAgent agent;
        try {
            if (stopping) {
                return;
            }
            String token = settings.tokens().next(name);
            agent = DeviceAgent.onboard(settings.e3(), settings.trust(), token, null,
                    options.withListener(new Counting()).withInjectedFault(fault));
        }
        catch (E3Exception | IOException | RuntimeException ex) {
            if (!stopping) { // else interrupted by the end of the simulation, not a
                             // failure
                onboardingFailures.increment();
                errors.computeIfAbsent(errorKey("enrollment", ex), k -> new LongAdder()).increment();
                LOG.log(Level.WARNING, () -> name + ": onboarding failed: " + ex.getMessage());
            }
            return;
        }
        finally {
            parallel.release();
        }
        onboarded.increment();
        if (fault != InjectedFault.NONE) {
            faulty.computeIfAbsent(fault, f -> new LongAdder()).increment();
            LOG.log(Level.INFO, () -> name + " (device " + agent.identity().deviceId() + "): injected fault " + fault);
        }
        synchronized (this) {
            if (!stopping) {
                agents.add(agent);
            }
        }
        if (stopping) {
            agent.stop(); // enrolled while the simulation ended: release its client
            return;
        }
        try {
            // Spread the first heartbeats of devices that enrolled together (not holding
            // an enrollment slot).
            Thread
                .sleep(ThreadLocalRandom.current().nextLong(Math.max(1, options.heartbeatInterval().toMillis() / 10)));
            agent.start();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt(); // stopping: stop() stops the agent
        }
    }

    /**
     * @return counters now
     */
    public Snapshot snapshot() {
        Instant now = Instant.now();
        Duration fresh = options.heartbeatInterval().multipliedBy(2);
        long online = agents.stream()
            .filter(a -> a.exitReason() == null && a.lastHeartbeat() != null
                    && a.lastHeartbeat().isAfter(now.minus(fresh)))
            .count();
        Map<InjectedFault, Long> faultCounts = new EnumMap<>(InjectedFault.class);
        faulty.forEach((fault, count) -> faultCounts.put(fault, count.sum()));
        return new Snapshot(now, settings.devices(), onboarded.sum(), onboardingFailures.sum(), online,
                heartbeats.sum(), sums(errors), renewals.sum(), sums(stopped), heartbeatLatency.snapshot(),
                deliveries.sum(), deliveryLatency.snapshot(), Collections.unmodifiableMap(faultCounts),
                ManagementFactory.getThreadMXBean().getThreadCount(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    /**
     * @return the agents onboarded so far
     */
    public List<DeviceAgent> agents() {
        return List.copyOf(agents);
    }

    /** Stops onboarding and every device, then the shared client. */
    public void stop() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        onboarding.shutdownNow();
        try (ExecutorService stoppers = Executors.newVirtualThreadPerTaskExecutor()) {
            agents.forEach(agent -> stoppers.submit(agent::stop));
        }
        if (net != null) {
            net.close();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> result = new TreeMap<>();
        counters.forEach((key, value) -> result.put(key, value.sum()));
        return result;
    }

    private String errorKey(String what, Exception ex) {
        String key = ex instanceof E3Exception e3 ? e3.kind() + " " + (e3.status() == 0 ? "connect" : e3.status())
                + (e3.code() == null ? "" : " " + code(e3.code())) : what + " " + ex.getClass().getSimpleName();
        return errors.containsKey(key) || errors.size() < MAX_ERROR_KEYS ? key : "other";
    }

    /**
     * A problem code as E3 sent it, reduced to what a code may contain (it is printed to
     * a terminal).
     */
    private static String code(String code) {
        String clean = code.replaceAll("[^A-Za-z0-9_.-]", "?");
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }

    /** A release's deliveries to the fleet: the first one and the latest. */
    private record Wave(long firstNanos, long lastNanos) {
    }

    private void delivered(UUID release) {
        long now = System.nanoTime();
        UUID key = Objects.requireNonNullElse(release, NO_RELEASE);
        Wave wave = waves.compute(key, (k, current) -> current == null || now - current.lastNanos() > WAVE_GAP.toNanos()
                ? new Wave(now, now) : new Wave(current.firstNanos(), Math.max(now, current.lastNanos())));
        deliveries.increment();
        deliveryLatency.record(Duration.ofNanos(now - wave.firstNanos()));
    }

    /** The key of the deliveries of "run nothing". */
    private static final UUID NO_RELEASE = new UUID(0, 0);

    /** One per device: counts its events into the simulator's totals. */
    private final class Counting implements AgentListener {

        private volatile boolean fetchedOnce;

        @Override
        public void heartbeat(Duration latency) {
            heartbeats.increment();
            heartbeatLatency.record(latency);
        }

        @Override
        public void desiredState(DesiredState state) {
            if (fetchedOnce) {
                delivered(state.releaseId());
            }
            fetchedOnce = true;
        }

        @Override
        public void renewed(DeviceIdentity identity) {
            renewals.increment();
        }

        @Override
        public void error(E3Exception error) {
            errors.computeIfAbsent(errorKey("request", error), k -> new LongAdder()).increment();
        }

        @Override
        public void stopped(ExitReason reason) {
            if (reason != ExitReason.STOPPED) {
                stopped.computeIfAbsent(reason.name(), k -> new LongAdder()).increment();
            }
        }

    }

}
