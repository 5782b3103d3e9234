package dev.edp.monitoring.live;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.edp.monitoring.support.MonitoringTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second replica's listener (its own LISTEN connection on the same database) receives
 * what this replica publishes, each event once.
 */
@MonitoringTest
class SecondReplicaIntegrationTests {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    LiveEvents live;

    @Autowired
    ApplicationContext context;

    @Test
    void eventPublishedOnOneReplicaReachesTheOtherReplicasListenerOnce() throws Exception {
        try (RecordingReplica other = RecordingReplica.start(context)) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!other.isListening() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(other.isListening()).isTrue();
            UUID customer = UUID.randomUUID();
            live.publish(customer, "test.replica", Map.of("n", 1));
            live.publish(customer, "test.replica", Map.of("n", 2));
            // Events arrive in commit order: once the marker is there, a duplicate would
            // be too.
            live.publish(customer, "test.marker", Map.of("n", 3));
            deadline = System.nanoTime() + WAIT.toNanos();
            while (other.received(customer).stream().noneMatch(event -> event.type().equals("test.marker"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(other.received(customer)).extracting(LiveEvent::data)
                .containsExactly("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}");
        }
    }

}
