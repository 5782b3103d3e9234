package dev.edp.devicemanagement.desiredstate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Devices waiting in a long-poll for their desired state to change, and the one connection per
 * instance that {@code LISTEN}s for {@link DesiredStateNotifier}'s notifications. A waiter holds no
 * thread: it is a callback, run (on a virtual thread) when its customer's state may have changed,
 * that checks whether its device's state really did. After the listener connection was lost and
 * reopened, every waiter checks again, since notifications may have been missed meanwhile.
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
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running;
    private volatile boolean listening;
    private volatile Connection connection;
    private Thread listener;

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
            set.forEach(waiter -> checks.execute(waiter::check));
        }
    }

    private void wakeAll() {
        waiters.values().forEach(set -> set.forEach(waiter -> checks.execute(waiter::check)));
    }

    private void listen() {
        boolean reconnected = false;
        while (running) {
            try (Connection conn = DriverManager.getConnection(dataSource.determineUrl(),
                    dataSource.determineUsername(), dataSource.determinePassword())) {
                connection = conn;
                try (Statement statement = conn.createStatement()) {
                    statement.execute("LISTEN " + DesiredStateNotifier.CHANNEL);
                }
                listening = true;
                if (reconnected) {
                    wakeAll();
                }
                PGConnection pg = conn.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification notification : notifications) {
                        try {
                            wake(UUID.fromString(notification.getParameter()));
                        }
                        catch (IllegalArgumentException ex) {
                            log.warn("Ignoring malformed desired-state notification '{}'", notification.getParameter());
                        }
                    }
                }
            }
            catch (SQLException ex) {
                listening = false;
                if (!running) {
                    return;
                }
                log.warn("Desired-state listener connection lost ({}); reconnecting in 1 s", ex.getMessage());
                reconnected = true;
                try {
                    Thread.sleep(1000);
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** @return whether the LISTEN connection is established (tests wait for it after an outage) */
    boolean isListening() {
        return listening;
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofPlatform().name("desired-state-listener").daemon().start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        Connection conn = connection;
        if (conn != null) {
            try {
                conn.close();
            }
            catch (SQLException ex) {
                // Closing anyway.
            }
        }
        if (listener != null) {
            listener.interrupt();
        }
        checks.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
