package dev.edp.monitoring.live;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.test.net.FaultProxy;
import dev.edp.test.postgres.WithPostgresFaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live-event LISTEN connection through a PostgreSQL outage (the database cut off
 * behind platform-test's {@link FaultProxy}): the listener notices the lost connection,
 * listens again by itself within 10 s of the database's return, and an event published
 * right after the return (before or after it listens again) reaches it exactly once.
 */
@MonitoringTest
@WithPostgresFaults
class ListenerReconnectIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration RECOVERY = Duration.ofSeconds(10);

    @Autowired
    FaultProxy database;

    @Autowired
    LiveEventListener serviceListener;

    @Autowired
    LiveEvents live;

    @Autowired
    ApplicationContext context;

    @AfterEach
    void restore() throws Exception {
        database.restore();
    }

    @Test
    void listenerListensAgainWithin10sOfTheDatabasesReturnAndMissesNothing() throws Exception {
        try (RecordingReplica listener = RecordingReplica.start(context)) {
            UUID customer = UUID.randomUUID();
            await("listening", WAIT, () -> listener.isListening() && serviceListener.isListening());
            live.publish(customer, "test.before", Map.of("n", 1));
            await("the event before the outage", WAIT, () -> listener.received(customer).size() == 1);

            database.cut();
            await("the lost connection noticed", WAIT, () -> !listener.isListening() && !serviceListener.isListening());

            database.restore();
            Instant back = Instant.now();
            // The pool may still be reconnecting: the publish is retried like a client
            // would.
            await("published after the return", WAIT, () -> {
                live.publish(customer, "test.after", Map.of("n", 2));
                return true;
            });
            await("listening again", WAIT, () -> listener.isListening() && serviceListener.isListening());
            assertThat(Duration.between(back, Instant.now())).as("listening again by itself").isLessThan(RECOVERY);
            await("the event after the return", WAIT,
                    () -> listener.received(customer).stream().anyMatch(event -> event.type().equals("test.after")));
            assertThat(listener.received(customer)).extracting(LiveEvent::type)
                .containsExactly("test.before", "test.after");
        }
    }

    /**
     * Polls until done; a probe that fails (the pool still reconnecting) is "not yet".
     */
    static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!probe(done)) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static boolean probe(BooleanSupplier done) {
        try {
            return done.getAsBoolean();
        }
        catch (RuntimeException notYet) {
            return false;
        }
    }

}
