package dev.edp.platform.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL {@code LISTEN} connection on a daemon thread of its own that hands each
 * poll's notifications to a {@link Handler}, and opens a new connection when the old one
 * is lost (a database outage, a killed backend): every second until it listens again.
 * After such a reconnect the handler is told, because notifications sent meanwhile are
 * gone and it has to catch up itself. A lost connection is logged once per outage (and
 * once more when it listens again), not once a second.
 *
 * <pre>
 * listener = PgListener.start("live-event-listener", "live_event", dataSource::getConnection,
 *         Duration.ofMillis(500), handler);
 * …
 * listener.close();
 * </pre>
 */
public final class PgListener implements AutoCloseable {

    /** How long after a lost connection the next one is opened. */
    public static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(PgListener.class);

    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]*");

    /** Opens the connection to listen on (from a pool, or a connection of its own). */
    @FunctionalInterface
    public interface Connections {

        /**
         * @return a new connection, owned by the listener until it is lost or the
         * listener closes
         * @throws SQLException when none can be opened now
         */
        Connection open() throws SQLException;

    }

    /** What a component does with the notifications; runs on the listener's thread. */
    public interface Handler {

        /**
         * The {@code LISTEN} is established.
         * @param reconnected whether after a lost connection: notifications may have been
         * missed
         * @throws SQLException a database failure (the connection is opened again)
         */
        default void listening(boolean reconnected) throws SQLException {
        }

        /**
         * @param payloads the payloads of one poll's notifications, in the order they
         * were sent
         * @throws SQLException a database failure (the connection is opened again)
         */
        void notified(List<String> payloads) throws SQLException;

    }

    private final String name;

    private final String channel;

    private final Connections connections;

    private final Duration poll;

    private final Handler handler;

    private final Thread thread;

    private volatile boolean running = true;

    private volatile boolean listening;

    /**
     * Whether the handler's last call failed (its failures are logged once per streak).
     */
    private boolean failing;

    private PgListener(String name, String channel, Connections connections, Duration poll, Handler handler) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("Not a plain channel name: " + channel);
        }
        this.name = Objects.requireNonNull(name);
        this.channel = channel;
        this.connections = Objects.requireNonNull(connections);
        this.poll = poll;
        this.handler = Objects.requireNonNull(handler);
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    }

    /**
     * @param name the thread's name, also in log lines
     * @param channel the channel to {@code LISTEN} on (a plain lower-case identifier)
     * @param connections where connections come from
     * @param poll how long one wait for notifications lasts: also how long
     * {@link #close()} may take
     * @param handler what to do with them
     * @return the started listener
     */
    public static PgListener start(String name, String channel, Connections connections, Duration poll,
            Handler handler) {
        PgListener listener = new PgListener(name, channel, connections, poll, handler);
        listener.thread.start();
        return listener;
    }

    /**
     * @return whether the {@code LISTEN} is established now (tests wait for it after an
     * outage)
     */
    public boolean isListening() {
        return listening;
    }

    /**
     * @return whether it has not been closed
     */
    public boolean isRunning() {
        return running;
    }

    /**
     * Stops listening: the thread ends after its current wait for notifications, at most
     * {@code poll} plus a second later.
     */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(poll.plusSeconds(1));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        boolean reconnect = false;
        boolean lost = false;
        while (running) {
            try (Connection connection = connections.open()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                listening = true;
                if (lost) {
                    log.info("{} listens again", name);
                    lost = false;
                }
                boolean again = reconnect;
                boolean behind = !handled(() -> handler.listening(again));
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    List<String> payloads = payloads(pg.getNotifications((int) poll.toMillis()));
                    if (behind) {
                        // A failed handler call may have lost what it was handed: catch
                        // up as after a reconnect, on this connection, until it succeeds.
                        behind = !handled(() -> handler.listening(true));
                        if (!behind) {
                            log.info("{}'s handler caught up", name);
                        }
                    }
                    if (!payloads.isEmpty()) {
                        behind |= !handled(() -> handler.notified(payloads));
                    }
                }
            }
            catch (SQLException | RuntimeException ex) {
                listening = false;
                if (!running) {
                    return;
                }
                if (!lost) {
                    log.warn("{} lost its connection, reconnecting every {} s until it listens again: {}", name,
                            RECONNECT_DELAY.toSeconds(), ex.getMessage());
                }
                lost = true;
                log.debug("{} could not listen", name, ex);
                reconnect = true;
                try {
                    Thread.sleep(RECONNECT_DELAY);
                }
                catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
        listening = false;
    }

    /**
     * Runs the handler. A runtime failure is the handler's, not the connection's (taking
     * it for a lost connection reconnected every second while the handler kept failing):
     * it is logged, the connection is kept, and the handler is asked to catch up
     * ({@code listening(true)}) on the next polls until that succeeds, as after a
     * reconnect, so nothing it failed to handle is lost.
     * @return whether the handler succeeded
     */
    private boolean handled(HandlerCall call) throws SQLException {
        try {
            call.run();
            failing = false;
            return true;
        }
        catch (RuntimeException ex) {
            if (!failing) {
                log.error("{}'s handler failed; it catches up on the next polls until it succeeds", name, ex);
            }
            else {
                log.debug("{}'s handler failed again", name, ex);
            }
            failing = true;
            return false;
        }
    }

    /** A call of the handler; an SQLException is the connection's. */
    @FunctionalInterface
    private interface HandlerCall {

        void run() throws SQLException;

    }

    private static List<String> payloads(PGNotification[] notifications) {
        if (notifications == null) {
            return List.of();
        }
        List<String> payloads = new ArrayList<>(notifications.length);
        for (PGNotification notification : notifications) {
            payloads.add(notification.getParameter());
        }
        return payloads;
    }

}
