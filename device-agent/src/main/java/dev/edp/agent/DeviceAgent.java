package dev.edp.agent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One device: heartbeats, follows the desired state (long-poll + ETag) and applies it
 * through a {@link ContainerExecutor}, reports its containers, renews its certificate at
 * two thirds of its lifetime, backs off when E3 or a backend is down or does not accept a
 * request (5xx, 429, and 401s other than E3's certificate refusals), and stops for good
 * only when E3 refuses its certificate (401 {@code DEVICE_CERTIFICATE_REVOKED},
 * {@code _INVALID} or {@code _REQUIRED}).
 *
 * <pre>{@code
 * DeviceAgent agent = DeviceAgent.onboard(e3, trust, token, store, AgentOptions.defaults());
 * agent.start();
 * ExitReason why = agent.awaitExit();   // or agent.stop()
 * }</pre> Each loop runs on its own virtual thread; thousands of agents fit in one JVM.
 */
public final class DeviceAgent implements AutoCloseable {

    /**
     * How long after its first attempt an enrollment that fails in a way that may pass is
     * tried again by {@link #onboard(URI, E3Trust, String, DeviceStore, AgentOptions)}.
     */
    public static final Duration ENROLLMENT_RETRIES_WITHIN = Duration.ofMinutes(2);

    private static final System.Logger LOG = System.getLogger("dev.edp.agent");

    /**
     * The line an operator looks for when a device stopped because its certificate is
     * refused.
     */
    public static final String REVOKED_MESSAGE = "certificate revoked or no longer accepted by E3 — stopping";

    /**
     * A request that failed and is being retried with backoff.
     *
     * @param loop which loop ({@code heartbeat}, {@code desired-state}, {@code report},
     * {@code renewal})
     * @param status the HTTP status, 0 when no answer came
     * @param code the problem code, or null
     * @param message what failed
     * @param attempt consecutive failures so far
     * @param nextAttemptAt when it is tried again
     */
    public record Retrying(String loop, int status, String code, String message, int attempt, Instant nextAttemptAt) {
    }

    private final URI e3;

    private final E3Trust trust;

    private final DeviceStore store;

    private final AgentOptions options;

    private final ContainerExecutor executor;

    private final RenewalSchedule renewals;

    private final AtomicReference<Credentials> credentials = new AtomicReference<>();

    private final AtomicReference<E3Client> client = new AtomicReference<>();

    private final Semaphore reportWanted = new Semaphore(0);

    private final CountDownLatch exited = new CountDownLatch(1);

    private final List<Thread> threads = new ArrayList<>();

    private final AtomicReference<ExitReason> exitReason = new AtomicReference<>();

    private final Map<String, Retrying> retrying = new ConcurrentHashMap<>();

    private volatile boolean started;

    private volatile Instant lastHeartbeat;

    private volatile Map<String, Object> lastHeartbeatBody;

    private volatile Map<String, Object> lastHeartbeatSent;

    private volatile String lastError;

    private volatile DesiredState desired;

    /**
     * The desired state reconciled to and reported; differs from {@link #desired} only
     * when unresponsive.
     */
    private volatile DesiredState applied;

    private DeviceAgent(URI e3, E3Trust trust, Credentials initial, DeviceStore store, AgentOptions options) {
        this.e3 = e3;
        this.trust = trust;
        this.store = store;
        this.options = options;
        // An injected failure starts nothing, whatever the executor: the containers only
        // fail.
        this.executor = options.fault() == InjectedFault.RECONCILIATION_FAILS
                ? SimulatedExecutor.failing(Duration.ofSeconds(1)) : options.executor().get();
        this.renewals = new RenewalSchedule(options.clock());
        this.credentials.set(initial);
        this.client.set(new E3Client(e3, trust, initial, options.transport()));
        executor.onChange(reportWanted::release);
    }

    /**
     * Enrolls a new device: a fresh EC P-256 key, a CSR,
     * {@code POST /onboarding/api/v1/enrollments}.
     * @param e3 E3's URL
     * @param trust the E3 trust
     * @param token the onboarding token
     * @param store where to keep key and certificate, or null to keep them in memory only
     * (simulator)
     * @param options behaviour
     * @return the agent, not started
     * @throws E3Exception if enrollment is refused
     * @throws IOException if the files cannot be written
     */
    public static DeviceAgent onboard(URI e3, E3Trust trust, String token, DeviceStore store, AgentOptions options)
            throws E3Exception, IOException {
        return onboard(e3, trust, token, store, options, ENROLLMENT_RETRIES_WITHIN);
    }

    /**
     * Enrolls a new device like
     * {@link #onboard(URI, E3Trust, String, DeviceStore, AgentOptions)}, retrying a
     * failure that may pass ({@link E3Exception.Kind#RETRYABLE}: no connection, 5xx, 429,
     * 408) with the options' backoff, and at least the server's {@code Retry-After},
     * until {@code retriesWithin} has passed since the first attempt. Every attempt sends
     * the same key's CSR: onboarding answers a used token that comes with the key it was
     * used for with that key's certificate again, so an attempt whose answer was lost (an
     * onboarding instance killed after it committed, a connection cut) is not a lost
     * device, and a token is never used for two keys.
     * @param e3 E3's URL
     * @param trust the E3 trust
     * @param token the onboarding token
     * @param store where to keep key and certificate, or null to keep them in memory only
     * @param options behaviour
     * @param retriesWithin how long after the first attempt another may start
     * @return the agent, not started
     * @throws E3Exception if enrollment is refused, or still failing when the time is up
     * (the last failure)
     * @throws IOException if the files cannot be written
     */
    public static DeviceAgent onboard(URI e3, E3Trust trust, String token, DeviceStore store, AgentOptions options,
            Duration retriesWithin) throws E3Exception, IOException {
        KeyPair keys = DeviceKeys.generate();
        String csr = DeviceKeys.csr(keys, "edp-agent");
        Instant giveUpAt = options.clock().instant().plus(retriesWithin);
        Backoff backoff = new Backoff(options.backoffInitial(), options.backoffMax());
        E3Client.Issued issued;
        try (E3Client anonymous = new E3Client(e3, trust, null, options.transport())) {
            while (true) {
                try {
                    issued = anonymous.enroll(token, csr);
                    break;
                }
                catch (E3Exception ex) {
                    Duration wait = backoff.next(ex.retryAfter());
                    if (ex.kind() != E3Exception.Kind.RETRYABLE
                            || options.clock().instant().plus(wait).isAfter(giveUpAt)) {
                        throw ex;
                    }
                    LOG.log(Level.WARNING, () -> "enrollment: " + ex.getMessage() + "; retrying with the same key in "
                            + wait.toMillis() + " ms");
                    options.listener().error(ex);
                    options.listener().retrying(ex, wait);
                    try {
                        sleep(wait);
                    }
                    catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw ex;
                    }
                }
            }
        }
        Credentials credentials = new Credentials(keys.getPrivate(), issued.chain(), issued.identity());
        if (store != null) {
            store.save(e3, trust, credentials);
        }
        return new DeviceAgent(e3, trust, credentials, store, options);
    }

    /**
     * An agent from an onboarded directory.
     * @param store the directory
     * @param options behaviour
     * @return the agent, not started
     * @throws IOException if the directory holds no device
     */
    public static DeviceAgent open(DeviceStore store, AgentOptions options) throws IOException {
        if (!store.exists()) {
            throw new IOException("No device in " + store.dir() + ": run edp-agent onboard first");
        }
        return new DeviceAgent(store.e3(), store.trust(), store.credentials(), store, options);
    }

    /** Starts the loops; returns at once. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        threads.add(loop("heartbeat", this::heartbeats));
        threads.add(loop("desired-state", this::desiredStates));
        threads.add(loop("report", this::reports));
        threads.add(loop("renewal", this::renewals));
        reportWanted.release();
    }

    /** Stops the loops and waits for them (a few seconds at most). */
    public void stop() {
        finish(ExitReason.STOPPED);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(5));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * @return why the agent stopped, after it did @throws InterruptedException if
     * interrupted
     */
    public ExitReason awaitExit() throws InterruptedException {
        exited.await();
        return exitReason.get();
    }

    /**
     * @param timeout longest wait
     * @return why it stopped, or null if it still runs
     * @throws InterruptedException if interrupted
     */
    public ExitReason awaitExit(Duration timeout) throws InterruptedException {
        return exited.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? exitReason.get() : null;
    }

    /**
     * @return why it stopped, null while it runs
     */
    public ExitReason exitReason() {
        return exitReason.get();
    }

    /**
     * @return the device identity of the current certificate
     */
    public DeviceIdentity identity() {
        return credentials.get().identity();
    }

    /**
     * @return the current key and chain
     */
    public Credentials credentials() {
        return credentials.get();
    }

    /**
     * @return when the last heartbeat was accepted, null if none yet
     */
    public Instant lastHeartbeat() {
        return lastHeartbeat;
    }

    /**
     * @return what the last accepted heartbeat said (uptime, load, memory, disks,
     * containers), null if none yet; set before {@link #lastHeartbeat()}
     */
    public Map<String, Object> lastHeartbeatBody() {
        return lastHeartbeatBody;
    }

    /**
     * @return what the last heartbeat sent said, accepted or not: after {@link #stop()},
     * the one that was on its way when the agent stopped, if one was; null if none yet
     */
    public Map<String, Object> lastHeartbeatSent() {
        return lastHeartbeatSent;
    }

    /**
     * @return the last desired state received, null if none yet
     */
    public DesiredState desiredState() {
        return desired;
    }

    /**
     * @return the misbehaviour this agent was given ({@link InjectedFault#NONE} for a
     * real device)
     */
    public InjectedFault injectedFault() {
        return options.fault();
    }

    /**
     * @return the containers and their states
     */
    public List<ContainerStatus> containers() {
        return executor.status();
    }

    /**
     * @return the last error, null if the last attempts succeeded
     */
    public String lastError() {
        return lastError;
    }

    /**
     * @return the requests being retried now, by loop; empty when everything goes through
     */
    public List<Retrying> retrying() {
        return List.copyOf(retrying.values());
    }

    @Override
    public void close() {
        stop();
    }

    // ---- loops
    // --------------------------------------------------------------------------------

    private Thread loop(String name, Loop body) {
        return Thread.ofVirtual().name("edp-agent-" + name + "-" + identity().deviceId()).start(() -> {
            try {
                body.run();
            }
            catch (InterruptedException ex) {
                // stopping
            }
            catch (RuntimeException ex) {
                LOG.log(Level.ERROR, () -> prefix() + name + " loop failed", ex);
                finish(ExitReason.FAILED);
            }
        });
    }

    @FunctionalInterface
    private interface Loop {

        void run() throws InterruptedException;

    }

    private void heartbeats() throws InterruptedException {
        Backoff backoff = backoff();
        while (running()) {
            List<ContainerStatus> containers = executor.status();
            int ready = (int) containers.stream().filter(c -> ContainerStatus.READY.equals(c.state())).count();
            try {
                Map<String, Object> heartbeat = Collections
                    .unmodifiableMap(options.metrics().heartbeat(options.agentVersion(), ready, containers.size()));
                long sent = System.nanoTime();
                lastHeartbeatSent = heartbeat;
                client.get().heartbeat(heartbeat);
                Duration took = Duration.ofNanos(System.nanoTime() - sent);
                if (!running()) {
                    return; // stopped (e.g. revoked by another loop) while this heartbeat
                            // was on its way
                }
                lastError = null;
                lastHeartbeatBody = heartbeat;
                lastHeartbeat = options.clock().instant();
                succeeded("heartbeat", backoff);
                options.listener().heartbeat(took);
                persistStatus();
                sleep(jittered(options.heartbeatInterval()));
            }
            catch (E3Exception ex) {
                failed("heartbeat", ex, backoff, options.heartbeatInterval());
            }
        }
    }

    private void desiredStates() throws InterruptedException {
        Backoff backoff = backoff();
        String etag = null;
        while (running()) {
            try {
                DesiredState state = client.get().desiredState(etag, etag == null ? 0 : options.longPollSeconds());
                succeeded("desired-state", backoff);
                if (state != null && running()) {
                    etag = state.etag();
                    desired = state;
                    LOG.log(Level.DEBUG, () -> prefix() + "desired state " + state.releaseName() + " ("
                            + state.containers().size() + " containers)");
                    options.listener().desiredState(state);
                    if (options.fault() != InjectedFault.UNRESPONSIVE) {
                        applied = state;
                        executor.apply(state.containers());
                        reportWanted.release();
                    }
                    persistStatus();
                }
                else if (options.longPollSeconds() == 0) {
                    sleep(options.heartbeatInterval());
                }
            }
            catch (E3Exception ex) {
                failed("desired-state", ex, backoff, options.heartbeatInterval());
            }
        }
    }

    private void reports() throws InterruptedException {
        Backoff backoff = backoff();
        List<ContainerStatus> reported = null;
        UUID reportedRelease = null;
        while (running()) {
            reportWanted.acquire();
            reportWanted.drainPermits();
            DesiredState state = applied;
            UUID release = state == null ? null : state.releaseId();
            List<ContainerStatus> now = executor.status();
            // A new release with the same containers is still news to the platform.
            if (now.equals(reported) && Objects.equals(release, reportedRelease)) {
                continue;
            }
            try {
                client.get().containerReport(now);
                client.get().reportedState(options.agentVersion(), options.metrics().osVersion(), release, now);
                reported = now;
                reportedRelease = release;
                succeeded("report", backoff);
                persistStatus();
            }
            catch (E3Exception ex) {
                reportWanted.release(); // try again after the wait
                failed("report", ex, backoff, options.heartbeatInterval());
            }
        }
    }

    private void renewals() throws InterruptedException {
        Backoff backoff = backoff();
        while (running()) {
            Duration wait = renewals.untilRenewal(identity());
            if (!wait.isZero()) {
                // In slices, so a clock that jumps (tests, suspend/resume) is noticed.
                sleep(wait.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : wait);
                continue;
            }
            try {
                renew();
                succeeded("renewal", backoff);
            }
            catch (E3Exception ex) {
                failed("renewal", ex, backoff, Duration.ofMinutes(1));
            }
            catch (IOException ex) {
                lastError = "renewed certificate could not be saved: " + ex.getMessage();
                LOG.log(Level.ERROR, () -> prefix() + lastError);
                finish(ExitReason.FAILED);
            }
        }
    }

    /**
     * Renews now: a new key, a CSR, {@code POST /onboarding/api/v1/renewals} with the
     * current certificate; then the new key and certificate are saved and used for every
     * later request.
     * @throws E3Exception if refused
     * @throws IOException if the new files cannot be written
     */
    public void renew() throws E3Exception, IOException {
        KeyPair keys = DeviceKeys.generate();
        E3Client.Issued issued = client.get().renew(DeviceKeys.csr(keys, identity().deviceId().toString()));
        Credentials renewed = new Credentials(keys.getPrivate(), issued.chain(), issued.identity());
        if (store != null) {
            store.save(e3, trust, renewed);
        }
        credentials.set(renewed);
        E3Client previous = client.getAndSet(new E3Client(e3, trust, renewed, options.transport()));
        previous.shutdown(); // a long-poll in flight finishes on the old connection
        LOG.log(Level.INFO, () -> prefix() + "certificate renewed, serial " + renewed.identity().serial()
                + ", valid until " + renewed.identity().notAfter());
        options.listener().renewed(renewed.identity());
        persistStatus();
    }

    private void succeeded(String loop, Backoff backoff) {
        backoff.reset();
        if (retrying.remove(loop) != null) {
            LOG.log(Level.INFO, () -> prefix() + loop + " goes through again");
            persistStatus();
        }
    }

    private void failed(String loop, E3Exception ex, Backoff backoff, Duration rejectedWait)
            throws InterruptedException {
        if (!running()) {
            return;
        }
        lastError = ex.getMessage();
        options.listener().error(ex);
        switch (ex.kind()) {
            case UNAUTHORIZED -> {
                LOG.log(Level.ERROR, () -> prefix() + REVOKED_MESSAGE + " (" + ex.getMessage() + ")");
                finish(ExitReason.REVOKED);
            }
            case RETRYABLE -> {
                Duration wait = backoff.next(ex.retryAfter());
                retrying.put(loop, new Retrying(loop, ex.status(), ex.code(), ex.getMessage(), backoff.failures(),
                        options.clock().instant().plus(wait)));
                // A 401 that is not E3's certificate refusal (a backend did not accept
                // the request) is worth a warning every time: it is retried, but it
                // should not last.
                String why = ex.status() == 401 ? " (not a certificate refusal: still running)" : "";
                LOG.log(backoff.failures() == 1 || ex.status() == 401 ? Level.WARNING : Level.DEBUG,
                        () -> prefix() + ex.getMessage() + why + "; retrying in " + wait.toMillis() + " ms");
                options.listener().retrying(ex, wait);
                persistStatus();
                sleep(wait);
            }
            case REJECTED -> {
                LOG.log(Level.WARNING, () -> prefix() + ex.getMessage());
                sleep(jittered(rejectedWait));
            }
        }
    }

    private void finish(ExitReason reason) {
        if (!exitReason.compareAndSet(null, reason)) {
            return;
        }
        Thread self = Thread.currentThread();
        threads.stream().filter(t -> t != self).forEach(Thread::interrupt);
        executor.close();
        client.get().shutdown();
        persistStatus();
        options.listener().stopped(reason);
        exited.countDown();
    }

    private boolean running() {
        return exitReason.get() == null;
    }

    private Backoff backoff() {
        return new Backoff(options.backoffInitial(), options.backoffMax());
    }

    private static Duration jittered(Duration interval) {
        long millis = interval.toMillis();
        return Duration.ofMillis(millis - millis / 10 + ThreadLocalRandom.current().nextLong(millis / 5 + 1));
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration);
    }

    private String prefix() {
        return "device " + identity().deviceId() + ": ";
    }

    private void persistStatus() {
        if (store == null) {
            return;
        }
        DeviceIdentity identity = identity();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("deviceId", identity.deviceId());
        status.put("customerId", identity.customerId());
        status.put("e3", e3.toString());
        status.put("serial", identity.serial());
        status.put("certificateNotAfter", identity.notAfter().toString());
        status.put("renewAt", RenewalSchedule.renewAt(identity).toString());
        status.put("lastHeartbeat", lastHeartbeat == null ? null : lastHeartbeat.toString());
        status.put("lastError", lastError);
        status.put("retrying", retrying.values().stream().map(r -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("loop", r.loop());
            entry.put("status", r.status());
            entry.put("code", r.code());
            entry.put("message", r.message());
            entry.put("attempt", r.attempt());
            entry.put("nextAttemptAt", r.nextAttemptAt().toString());
            return entry;
        }).toList());
        DesiredState state = desired;
        Map<String, Object> wanted = new LinkedHashMap<>();
        if (state != null) {
            wanted.put("releaseId", state.releaseId());
            wanted.put("releaseName", state.releaseName());
            wanted.put("etag", state.etag());
            wanted.put("containers", state.containers().stream().map(c -> c.name() + " " + c.image()).toList());
        }
        status.put("desired", state == null ? null : wanted);
        status.put("running", executor.status());
        status.put("exitReason", Objects.toString(exitReason.get(), null));
        status.put("pid", ProcessHandle.current().pid());
        status.put("updatedAt", options.clock().instant().toString());
        try {
            synchronized (store) {
                store.writeStatus(status);
            }
        }
        catch (IOException | RuntimeException ex) {
            LOG.log(Level.WARNING, () -> prefix() + "cannot write " + store.statusFile() + ": " + ex.getMessage());
        }
    }

}
