package dev.edp.monitoring.live;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * first delivers what was stored meanwhile (ids above the highest it had seen, within the window).
 * The connection is borrowed from the pool for the lifetime of the replica.
 */
@Component
class LiveEventListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveEventListener.class);
    private static final int POLL_MILLIS = 500;

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
                if (reconnect && highestSeen >= 0) {
                    deliver(events.after(highestSeen, properties.replayWindow(), Visibility.everything(), null,
                            Integer.MAX_VALUE));
                }
                while (running) {
                    List<Long> ids = ids(pg.getNotifications(POLL_MILLIS));
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
            return List.of();
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
