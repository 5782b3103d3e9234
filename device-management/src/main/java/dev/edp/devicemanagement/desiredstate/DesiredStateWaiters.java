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
import java.util.concurrent.RejectedExecutionException;

import dev.edp.platform.jdbc.PgListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Devices waiting in a long-poll for their desired state to change, and the one
 * connection per instance that {@code LISTEN}s for {@link DesiredStateNotifier}'s
 * notifications. A waiter holds no thread: it is a callback, run (on a virtual thread)
 * when its customer's state may have changed, that checks whether its device's state
 * really did. After the listener connection was lost and reopened (the starter's
 * {@link PgListener} does that), every waiter checks again, since notifications may have
 * been missed meanwhile.
 */
@Component
class DesiredStateWaiters implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DesiredStateWaiters.class);

    /** A waiting long-poll; {@link #check()} completes it if its state changed. */
    interface Waiter {

        void check();

    }

    private final DataSourceProperties dataSource;

    private final Map<UUID, Set<Waiter>> waiters = new ConcurrentHashMap<>();

    /**
     * Runs the checks; made at each start and shut down at each stop, so that a context
     * stopped and started again (Spring pauses cached test contexts between test classes
     * and resumes them) still wakes its long-polls. Made once and shut down for good,
     * every wake-up after a restart was refused, and the listener took that for a lost
     * connection and reconnected every second.
     */
    private volatile ExecutorService checks;

    private volatile boolean startedBefore;

    private volatile PgListener listener;

    DesiredStateWaiters(DataSourceProperties dataSource) {
        this.dataSource = dataSource;
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
        if (set != null) {
            check(set);
        }
    }

    private void wakeAll() {
        waiters.values().forEach(this::check);
    }

    private void check(Set<Waiter> set) {
        ExecutorService executor = checks;
        if (executor == null) {
            return; // stopped: the next start wakes every waiter
        }
        try {
            set.forEach(waiter -> executor.execute(waiter::check));
        }
        catch (RejectedExecutionException stoppedMeanwhile) {
            // The same: the next start wakes every waiter.
        }
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
        // Started again after a stop: changes of the stopped time were not heard.
        boolean restarted = startedBefore;
        startedBefore = true;
        listener = PgListener.start("desired-state-listener", DesiredStateNotifier.CHANNEL, () -> DriverManager
            .getConnection(dataSource.determineUrl(), dataSource.determineUsername(), dataSource.determinePassword()),
                Duration.ofSeconds(1), new PgListener.Handler() {

                    @Override
                    public void listening(boolean reconnected) {
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
