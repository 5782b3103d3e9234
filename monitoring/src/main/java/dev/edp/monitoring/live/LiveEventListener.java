package dev.edp.monitoring.live;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * One {@code LISTEN} connection per replica: every committed {@code live_event} (of any replica)
 * is announced by {@code pg_notify} with its id; this thread loads the announced rows in one query
 * and hands them to the local {@link LiveEventHub}. If the connection drops, it reconnects and
 * first delivers what was stored meanwhile (ids above the highest it had seen, within the window),
 * and not a second time when a notification sent meanwhile announces one of them too.
 * The connection is borrowed from the pool for the lifetime of the replica.
 */
@Component
class LiveEventListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveEventListener.class);
    private static final int POLL_MILLIS = 500;
    /** How long after a replay its events may still be announced by notifications sent meanwhile. */
    private static final Duration REPLAY_OVERLAP = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private final LiveEventRepository events;
    private final LiveEventHub hub;
    private final LiveProperties properties;
    private volatile boolean running;
    private volatile boolean listening;
    private Thread thread;
    private long highestSeen = -1;

    LiveEventListener(DataSource dataSource, LiveEventRepository events, LiveEventHub hub, LiveProperties properties) {
        this.dataSource = dataSource;
        this.events = events;
        this.hub = hub;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("live-event-listener").start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(2));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** @return whether the LISTEN is established (tests wait for it) */
    boolean isListening() {
        return listening;
    }

    private void run() {
        boolean reconnect = false;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                PGConnection pg = connection.unwrap(PGConnection.class);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + LiveEventStore.CHANNEL);
                }
                listening = true;
                Set<Long> replayed = new HashSet<>();
                long replayedUntil = System.nanoTime() + REPLAY_OVERLAP.toNanos();
                if (reconnect && highestSeen >= 0) {
                    List<LiveEvent> missed = events.after(highestSeen, properties.replayWindow(),
                            Visibility.everything(), null, Integer.MAX_VALUE);
                    missed.forEach(event -> replayed.add(event.id()));
                    deliver(missed);
                }
                while (running) {
                    List<Long> ids = ids(pg.getNotifications(POLL_MILLIS));
                    if (!replayed.isEmpty()) {
                        // An event committed between LISTEN and the replay's query is in both: once is enough.
                        ids.removeIf(replayed::contains);
                        if (System.nanoTime() - replayedUntil > 0) {
                            replayed.clear();
                        }
                    }
                    if (!ids.isEmpty()) {
                        deliver(events.byIds(ids));
                    }
                }
            }
            catch (SQLException | RuntimeException ex) {
                listening = false;
                if (!running) {
                    return;
                }
                log.warn("Live event listener lost its connection, reconnecting in 1 s: {}", ex.getMessage());
                reconnect = true;
                try {
                    Thread.sleep(1000);
                }
                catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
        listening = false;
    }

    private static List<Long> ids(PGNotification[] notifications) {
        if (notifications == null) {
            return new ArrayList<>();
        }
        List<Long> ids = new ArrayList<>(notifications.length);
        for (PGNotification notification : notifications) {
            ids.add(Long.parseLong(notification.getParameter()));
        }
        return ids;
    }

    private void deliver(List<LiveEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        for (LiveEvent event : batch) {
            highestSeen = Math.max(highestSeen, event.id());
        }
        hub.dispatch(batch);
    }
}
