package dev.edp.devicemanagement.desiredstate;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import dev.edp.devicemanagement.support.DeviceConnectionShare;
import dev.edp.platform.jdbc.PgListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Devices waiting in a long-poll for their desired state to change, and the one
 * connection per instance that {@code LISTEN}s for {@link DesiredStateNotifier}'s
 * notifications. A waiter holds no thread: when its customer's state may have changed,
 * the states of all the customer's waiting devices are read in one query per
 * {@link DesiredStateRepository#CHUNK} devices (on a virtual thread, within the devices'
 * share of the pool), and each waiter is offered its device's state, which completes its
 * long-poll if the state really changed. A pin that wakes 10,000 devices costs 20 reads,
 * not 10,000. A read the database cannot answer leaves those waiters parked. After the
 * listener connection was lost and reopened (the starter's {@link PgListener} does that),
 * every waiter is offered its state again, since notifications may have been missed
 * meanwhile.
 */
@Component
class DesiredStateWaiters implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DesiredStateWaiters.class);

    /** A waiting long-poll. */
    interface Waiter {

        /**
         * @return the device that waits
         */
        UUID deviceId();

        /**
         * Completes the long-poll if the state differs from the one the device has.
         * @param now the device's state now
         */
        void offer(DesiredState now);

    }

    private final DataSourceProperties dataSource;

    private final DesiredStateRepository states;

    private final DeviceConnectionShare share;

    private final Counter wakeReads;

    private final Counter woken;

    private final Map<UUID, Set<Waiter>> waiters = new ConcurrentHashMap<>();

    /**
     * Runs the wake-up reads; made at each start and shut down at each stop, so that a
     * context stopped and started again (Spring's test contexts are paused between test
     * classes) wakes its waiters again. A shut-down executor made every wake-up throw
     * into the listener, which took it for a lost connection and reconnected every second
     * (CI run U).
     */
    private volatile ExecutorService checks;

    private volatile boolean startedBefore;

    private volatile PgListener listener;

    DesiredStateWaiters(DataSourceProperties dataSource, DesiredStateRepository states, DeviceConnectionShare share,
            MeterRegistry meters) {
        this.dataSource = dataSource;
        this.states = states;
        this.share = share;
        this.wakeReads = Counter.builder("edp.desired.state.wake.reads")
            .description("Reads of the desired state of woken long-polls (one per customer and chunk of devices)")
            .register(meters);
        this.woken = Counter.builder("edp.desired.state.woken")
            .description("Long-polls offered their device's state after a change of their customer")
            .register(meters);
    }

    void add(UUID customerId, Waiter waiter) {
        waiters.computeIfAbsent(customerId, key -> ConcurrentHashMap.newKeySet()).add(waiter);
    }

    void remove(UUID customerId, Waiter waiter) {
        waiters.computeIfPresent(customerId, (key, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }

    int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    /**
     * @param customerId a customer
     * @return how many of its devices' long-polls are parked here now
     */
    int waiting(UUID customerId) {
        Set<Waiter> set = waiters.get(customerId);
        return set == null ? 0 : set.size();
    }

    private void wake(UUID customerId) {
        Set<Waiter> set = waiters.get(customerId);
        if (set == null) {
            return;
        }
        List<Waiter> waiting = List.copyOf(set);
        for (int from = 0; from < waiting.size(); from += DesiredStateRepository.CHUNK) {
            List<Waiter> chunk = waiting.subList(from, Math.min(from + DesiredStateRepository.CHUNK, waiting.size()));
            ExecutorService executor = checks;
            if (executor == null) {
                return; // stopped: start() wakes every waiter again
            }
            executor.execute(() -> offer(customerId, chunk));
        }
    }

    private void offer(UUID customerId, List<Waiter> chunk) {
        Map<UUID, DesiredState> now;
        wakeReads.increment();
        woken.increment(chunk.size());
        try {
            now = share.call(
                    () -> states.findAll(customerId, chunk.stream().map(Waiter::deviceId).collect(Collectors.toSet())));
        }
        catch (DataAccessException ex) {
            // The database cannot tell now: they stay parked; their waits end with 304,
            // or a later wake-up asks again.
            log.debug("Desired state of {} waiting devices not checked: {}", chunk.size(), ex.getMessage());
            return;
        }
        for (Waiter waiter : chunk) {
            DesiredState state = now.get(waiter.deviceId());
            if (state != null) {
                waiter.offer(state);
            }
        }
    }

    private void wakeAll() {
        waiters.keySet().forEach(this::wake);
    }

    /**
     * @return whether the LISTEN connection is established (tests wait for it after an
     * outage)
     */
    boolean isListening() {
        PgListener running = listener;
        return running != null && running.isListening();
    }

    @Override
    public void start() {
        checks = Executors.newVirtualThreadPerTaskExecutor();
        boolean restarted = startedBefore;
        startedBefore = true;
        listener = PgListener.start("desired-state-listener", DesiredStateNotifier.CHANNEL, () -> DriverManager
            .getConnection(dataSource.determineUrl(), dataSource.determineUsername(), dataSource.determinePassword()),
                Duration.ofSeconds(1), new PgListener.Handler() {

                    @Override
                    public void listening(boolean reconnected) {
                        // Notifications may have been missed while it did not listen.
                        if (reconnected || restarted) {
                            wakeAll();
                        }
                    }

                    @Override
                    public void notified(List<String> customers) {
                        for (String customer : customers) {
                            try {
                                wake(UUID.fromString(customer));
                            }
                            catch (IllegalArgumentException ex) {
                                log.warn("Ignoring malformed desired-state notification '{}'", customer);
                            }
                        }
                    }
                });
    }

    @Override
    public void stop() {
        PgListener running = listener;
        listener = null;
        if (running != null) {
            running.close();
        }
        ExecutorService executor = checks;
        checks = null;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return listener != null;
    }

}
