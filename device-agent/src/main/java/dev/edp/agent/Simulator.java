package dev.edp.agent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * N virtual devices in one JVM, each a {@link DeviceAgent} with its own key, certificate and
 * onboarding token, on virtual threads. Devices onboard spread over {@code rampUp} (a few at a time)
 * and keep their key in memory only.
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
    private static final int PARALLEL_ENROLLMENTS = 8;

    /**
     * What to simulate.
     *
     * @param devices how many devices
     * @param e3 E3's URL
     * @param trust the E3 trust
     * @param tokens where onboarding tokens come from
     * @param options how each device behaves (simulated containers and figures are usual)
     * @param rampUp onboarding is spread over this time
     * @param namePrefix devices are named {@code <prefix>-<n>}
     */
    public record Settings(int devices, URI e3, E3Trust trust, TokenSource tokens, AgentOptions options,
            Duration rampUp, String namePrefix) {
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
     * @param errors failed requests since the start, by kind and status
     * @param renewals certificates renewed
     * @param stopped devices stopped, by reason
     */
    public record Snapshot(Instant at, int requested, long onboarded, long onboardingFailures, long online,
            long heartbeats, Map<String, Long> errors, long renewals, Map<String, Long> stopped) {

        /** @return all errors */
        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * @param previous an earlier snapshot
         * @return one summary line with the rate since then
         */
        public String line(Snapshot previous) {
            double seconds = Math.max(0.001, Duration.between(previous.at, at).toMillis() / 1000.0);
            return String.format(Locale.ROOT, "devices online %d/%d, onboarded %d (%d failed), heartbeats/s %.1f,"
                    + " errors %d%s, renewals %d%s", online, requested, onboarded, onboardingFailures,
                    (heartbeats - previous.heartbeats) / seconds, errorCount(), errors.isEmpty() ? "" : " " + errors,
                    renewals, stopped.isEmpty() ? "" : ", stopped " + stopped);
        }
    }

    private final Settings settings;
    private final List<DeviceAgent> agents = new CopyOnWriteArrayList<>();
    private final LongAdder onboarded = new LongAdder();
    private final LongAdder onboardingFailures = new LongAdder();
    private final LongAdder heartbeats = new LongAdder();
    private final LongAdder renewals = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> stopped = new ConcurrentHashMap<>();
    private final ExecutorService onboarding = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean stopping;

    /** @param settings what to simulate */
    public Simulator(Settings settings) {
        this.settings = settings;
    }

    /** Starts onboarding the devices; returns at once. */
    public void start() {
        Semaphore parallel = new Semaphore(PARALLEL_ENROLLMENTS);
        long spread = settings.rampUp().toMillis();
        for (int i = 1; i <= settings.devices(); i++) {
            String name = settings.namePrefix() + "-" + i;
            long delay = settings.devices() == 1 ? 0 : spread * (i - 1) / (settings.devices() - 1);
            onboarding.submit(() -> {
                Thread.sleep(delay);
                parallel.acquire();
                try {
                    onboard(name);
                }
                finally {
                    parallel.release();
                }
                return null;
            });
        }
    }

    private void onboard(String name) {
        if (stopping) {
            return;
        }
        try {
            String token = settings.tokens().next(name);
            DeviceAgent agent = DeviceAgent.onboard(settings.e3(), settings.trust(), token, null,
                    settings.options().withListener(new Counting()));
            onboarded.increment();
            synchronized (this) {
                if (!stopping) {
                    agents.add(agent);
                }
            }
            if (stopping) {
                agent.stop(); // enrolled while the simulation ended: release its client
                return;
            }
            // Spread the first heartbeats of devices that enrolled together.
            Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, settings.options().heartbeatInterval().toMillis() / 10)));
            agent.start();
        }
        catch (E3Exception | IOException | RuntimeException ex) {
            onboardingFailures.increment();
            LOG.log(Level.WARNING, () -> name + ": onboarding failed: " + ex.getMessage());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return counters now */
    public Snapshot snapshot() {
        Instant now = Instant.now();
        Duration fresh = settings.options().heartbeatInterval().multipliedBy(2);
        long online = agents.stream().filter(a -> a.exitReason() == null && a.lastHeartbeat() != null
                && a.lastHeartbeat().isAfter(now.minus(fresh))).count();
        return new Snapshot(now, settings.devices(), onboarded.sum(), onboardingFailures.sum(), online, heartbeats.sum(),
                sums(errors), renewals.sum(), sums(stopped));
    }

    /** @return the agents onboarded so far */
    public List<DeviceAgent> agents() {
        return List.copyOf(agents);
    }

    /** Stops onboarding and every device. */
    public void stop() {
        synchronized (this) {
            stopping = true;
        }
        onboarding.shutdownNow();
        try (ExecutorService stopping = Executors.newVirtualThreadPerTaskExecutor()) {
            agents.forEach(agent -> stopping.submit(agent::stop));
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

    private final class Counting implements AgentListener {

        @Override
        public void heartbeat() {
            heartbeats.increment();
        }

        @Override
        public void renewed(DeviceIdentity identity) {
            renewals.increment();
        }

        @Override
        public void error(E3Exception error) {
            String key = error.status() == 0 ? "connect" : String.valueOf(error.status());
            errors.computeIfAbsent(key, k -> new LongAdder()).increment();
        }

        @Override
        public void stopped(ExitReason reason) {
            if (reason != ExitReason.STOPPED) {
                stopped.computeIfAbsent(reason.name(), k -> new LongAdder()).increment();
            }
        }
    }
}
