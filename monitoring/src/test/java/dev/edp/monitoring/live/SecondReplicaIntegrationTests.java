package dev.edp.monitoring.live;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.platform.customer.CustomerStatusLookup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

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
    DataSource dataSource;

    @Autowired
    LiveEventRepository events;

    @Autowired
    LiveProperties properties;

    @Test
    void eventPublishedOnOneReplicaReachesTheOtherReplicasListenerOnce() throws Exception {
        List<LiveEvent> received = new CopyOnWriteArrayList<>();
        LiveEventHub otherHub = new LiveEventHub(events, properties,
                new StaticListableBeanFactory().getBeanProvider(CustomerStatusLookup.class), Clock.systemUTC(),
                new SimpleMeterRegistry()) {
            @Override
            void dispatch(List<LiveEvent> batch) {
                received.addAll(batch);
            }
        };
        LiveEventListener other = new LiveEventListener(dataSource, events, otherHub, properties);
        other.start();
        try {
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
            while (mine(received, customer).stream().noneMatch(event -> event.type().equals("test.marker"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(mine(received, customer)).extracting(LiveEvent::data)
                .containsExactly("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}");
        }
        finally {
            other.stop();
        }
    }

    static List<LiveEvent> mine(List<LiveEvent> received, UUID customer) {
        return received.stream().filter(event -> customer.equals(event.customerId())).toList();
    }

}
