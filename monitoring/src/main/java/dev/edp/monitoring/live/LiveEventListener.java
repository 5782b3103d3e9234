package dev.edp.monitoring.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

import dev.edp.platform.jdbc.PgListener;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * One {@code LISTEN} connection per replica: every committed {@code live_event} (of any
 * replica) is announced by {@code pg_notify} with its id; this thread loads the announced
 * rows in one query and hands them to the local {@link LiveEventHub}. If the connection
 * drops, it reconnects and first delivers what was stored meanwhile (ids above the
 * highest it had seen, within the window), and not a second time when a notification sent
 * meanwhile announces one of them too. The connection is borrowed from the pool for the
 * lifetime of the replica; the starter's {@link PgListener} holds it and reconnects.
 */
@Component
class LiveEventListener implements SmartLifecycle {

    private static final Duration POLL = Duration.ofMillis(500);

    /**
     * How long after a replay its events may still be announced by notifications sent
     * meanwhile.
     */
    private static final Duration REPLAY_OVERLAP = Duration.ofSeconds(10);

    private final DataSource dataSource;

    private final LiveEventRepository events;

    private final LiveEventHub hub;

    private final LiveProperties properties;

    private volatile PgListener listener;

    private long highestSeen = -1;

    /**
     * Events the last replay delivered, which a notification sent meanwhile may announce
     * again.
     */
    private final Set<Long> replayed = new HashSet<>();

    private long replayedUntil;

    LiveEventListener(DataSource dataSource, LiveEventRepository events, LiveEventHub hub, LiveProperties properties) {
        this.dataSource = dataSource;
        this.events = events;
        this.hub = hub;
        this.properties = properties;
    }

    @Override
    public void start() {
        listener = PgListener.start("live-event-listener", LiveEventStore.CHANNEL, dataSource::getConnection, POLL,
                new PgListener.Handler() {

                    @Override
                    public void listening(boolean reconnected) {
                        replayed.clear();
                        replayedUntil = System.nanoTime() + REPLAY_OVERLAP.toNanos();
                        if (reconnected && highestSeen >= 0) {
                            List<LiveEvent> missed = events.after(highestSeen, properties.replayWindow(),
                                    Visibility.everything(), null, Integer.MAX_VALUE);
                            missed.forEach(event -> replayed.add(event.id()));
                            deliver(missed);
                        }
                    }

                    @Override
                    public void notified(List<String> payloads) {
                        List<Long> ids = new ArrayList<>(payloads.stream().map(Long::parseLong).toList());
                        if (!replayed.isEmpty()) {
                            // An event committed between LISTEN and the replay's query is
                            // in both: once is enough.
                            ids.removeIf(replayed::contains);
                            if (System.nanoTime() - replayedUntil > 0) {
                                replayed.clear();
                            }
                        }
                        if (!ids.isEmpty()) {
                            deliver(events.byIds(ids));
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
    }

    @Override
    public boolean isRunning() {
        return listener != null;
    }

    /**
     * @return whether the LISTEN is established (tests wait for it)
     */
    boolean isListening() {
        PgListener running = listener;
        return running != null && running.isListening();
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
