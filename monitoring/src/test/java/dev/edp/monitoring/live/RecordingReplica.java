package dev.edp.monitoring.live;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

import dev.edp.platform.customer.CustomerStatusLookup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.context.ApplicationContext;

/**
 * Another replica's live-event listener on the test's database: its own LISTEN
 * connection, and a hub that records what it would dispatch. Close it to stop listening.
 */
final class RecordingReplica implements AutoCloseable {

    private final List<LiveEvent> received = new CopyOnWriteArrayList<>();

    private final LiveEventListener listener;

    private RecordingReplica(DataSource dataSource, LiveEventRepository events, LiveProperties properties) {
        LiveEventHub hub = new LiveEventHub(events, properties,
                new StaticListableBeanFactory().getBeanProvider(CustomerStatusLookup.class), Clock.systemUTC(),
                new SimpleMeterRegistry()) {
            @Override
            void dispatch(List<LiveEvent> batch) {
                received.addAll(batch);
            }
        };
        this.listener = new LiveEventListener(dataSource, events, hub, properties);
    }

    /**
     * @param context the test's application context (its database and live settings)
     * @return the replica, started
     */
    static RecordingReplica start(ApplicationContext context) {
        RecordingReplica replica = new RecordingReplica(context.getBean(DataSource.class),
                context.getBean(LiveEventRepository.class), context.getBean(LiveProperties.class));
        replica.listener.start();
        return replica;
    }

    boolean isListening() {
        return listener.isListening();
    }

    /**
     * @param customer the customer
     * @return the events of that customer received so far, in order
     */
    List<LiveEvent> received(UUID customer) {
        return received.stream().filter(event -> customer.equals(event.customerId())).toList();
    }

    @Override
    public void close() {
        listener.stop();
    }

}
