package dev.edp.platform.jdbc;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.edp.test.net.FaultProxy;
import dev.edp.test.postgres.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One LISTEN loop on a real PostgreSQL, through a proxy that cuts the connection. */
class PgListenerIntegrationTests {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** Records what the listener hands over. */
    static class Recorder implements PgListener.Handler {

        final List<Boolean> listening = new CopyOnWriteArrayList<>();

        final List<String> payloads = new CopyOnWriteArrayList<>();

        @Override
        public void listening(boolean reconnected) {
            listening.add(reconnected);
        }

        @Override
        public void notified(List<String> received) {
            payloads.addAll(received);
        }

    }

    @Test
    void notificationsReachTheHandlerAndAfterACutTheListenerReconnectsSaysSoAndReceivesAgain() throws Exception {
        TestPostgres.Database database = TestPostgres.get().createDatabase();
        URI server = URI.create(database.url().substring("jdbc:".length()));
        Recorder recorder = new Recorder();
        try (FaultProxy proxy = FaultProxy.start(server.getHost(), server.getPort());
                PgListener listener = PgListener.start("test-listener", "edp_test", () -> DriverManager
                    .getConnection(proxy.jdbcUrl(database.url()), database.user(), database.password()),
                        Duration.ofMillis(200), recorder)) {
            await().atMost(DEADLINE).until(listener::isListening);
            assertThat(recorder.listening).containsExactly(false);
            notify(database, "first");
            await().atMost(DEADLINE).untilAsserted(() -> assertThat(recorder.payloads).containsExactly("first"));

            proxy.cut();
            await().atMost(DEADLINE).until(() -> !listener.isListening());
            // Sent while the listener is away: gone for it, which is why it is told it
            // reconnected.
            notify(database, "missed");
            proxy.restore();
            await().atMost(DEADLINE).until(listener::isListening);
            assertThat(recorder.listening).containsExactly(false, true);
            notify(database, "second");
            await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(recorder.payloads).containsExactly("first", "second"));
        }
    }

    @Test
    void closingEndsTheListenerSoNothingIsHandedOverAnyMore() throws Exception {
        TestPostgres.Database database = TestPostgres.get().createDatabase();
        Recorder recorder = new Recorder();
        PgListener listener = PgListener.start("test-listener", "edp_test",
                () -> DriverManager.getConnection(database.url(), database.user(), database.password()),
                Duration.ofMillis(200), recorder);
        await().atMost(DEADLINE).until(listener::isListening);
        listener.close();
        assertThat(listener.isRunning()).isFalse();
        await().atMost(DEADLINE).until(() -> !listener.isListening());
        notify(database, "after");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> recorder.payloads.isEmpty());
    }

    /**
     * A handler that throws (its own database read failed, or a bug) did not lose the
     * connection: the listener keeps it (it used to reconnect, and a handler failing
     * every time made it reconnect every second), asks the handler to catch up as after a
     * reconnect until that succeeds (what it failed to handle is not lost), and hands the
     * next notifications over.
     */
    @Test
    void aFailingHandlerKeepsTheConnectionAndIsAskedToCatchUpUntilItSucceeds() throws Exception {
        TestPostgres.Database database = TestPostgres.get().createDatabase();
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger catchUpsToFail = new AtomicInteger(2);
        Recorder recorder = new Recorder() {

            @Override
            public void listening(boolean reconnected) {
                super.listening(reconnected);
                if (reconnected && catchUpsToFail.getAndDecrement() > 0) {
                    throw new IllegalStateException("catch-up read failed");
                }
            }

            @Override
            public void notified(List<String> received) {
                if (received.contains("boom")) {
                    throw new IllegalStateException("handler failed");
                }
                super.notified(received);
            }

        };
        try (PgListener listener = PgListener.start("test-listener", "edp_test", () -> {
            opened.incrementAndGet();
            return DriverManager.getConnection(database.url(), database.user(), database.password());
        }, Duration.ofMillis(200), recorder)) {
            await().atMost(DEADLINE).until(listener::isListening);
            notify(database, "boom");
            // Two catch-ups fail, the third succeeds.
            await().atMost(DEADLINE).until(() -> recorder.listening.size() == 4);
            notify(database, "after");
            await().atMost(DEADLINE).untilAsserted(() -> assertThat(recorder.payloads).containsExactly("after"));
            assertThat(recorder.listening).as("started, then asked to catch up until it did")
                .containsExactly(false, true, true, true);
            assertThat(opened).as("never reconnected").hasValue(1);
        }
    }

    private static void notify(TestPostgres.Database database, String payload) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                var statement = connection.prepareStatement("SELECT pg_notify('edp_test', ?)")) {
            statement.setString(1, payload);
            statement.execute();
        }
    }

}
