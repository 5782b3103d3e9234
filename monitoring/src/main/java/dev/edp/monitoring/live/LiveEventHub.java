package dev.edp.monitoring.live;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The SSE clients connected to this replica. Each client has its own small queue and its own
 * virtual thread that writes to it, so a slow or dead client delays nobody else: the listener only
 * offers events to queues. A client whose queue overflows is disconnected; its browser reconnects
 * with {@code Last-Event-ID} and catches up from the table.
 */
@Component
class LiveEventHub implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LiveEventHub.class);
    private static final LiveEvent CLOSE = new LiveEvent(-1, null, "", "");
    private static final int REPLAY_PAGE = 500;

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final LiveEventRepository events;
    private final LiveProperties properties;

    LiveEventHub(LiveEventRepository events, LiveProperties properties, MeterRegistry meters) {
        this.events = events;
        this.properties = properties;
        Gauge.builder("edp.live.clients", clients, Set::size)
                .description("Live event (SSE) clients connected to this replica").register(meters);
    }

    /**
     * Connects a client: registers it first (so nothing published meanwhile is lost), then sends
     * what it missed since {@code lastEventId}, then live events.
     * @param scope what it may see
     * @param lastEventId the last event it received, or null for live events only
     * @return the emitter to return from the controller
     */
    SseEmitter connect(Visibility scope, Long lastEventId) {
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        Client client = new Client(scope, emitter, new ArrayBlockingQueue<>(properties.clientQueue()));
        emitter.onCompletion(client::close);
        emitter.onTimeout(client::close);
        emitter.onError(error -> client.close());
        clients.add(client);
        Thread.ofVirtual().name("live-client").start(() -> client.run(lastEventId));
        return emitter;
    }

    /** Offers events to the clients allowed to see them; never blocks. */
    void dispatch(List<LiveEvent> batch) {
        for (Client client : clients) {
            for (LiveEvent event : batch) {
                if (client.scope.sees(event) && !client.queue.offer(event)) {
                    log.info("Live client fell {} events behind; disconnecting it (it will catch up on reconnect)",
                            properties.clientQueue());
                    client.emitter.complete();
                    client.close();
                    break;
                }
            }
        }
    }

    int clientCount() {
        return clients.size();
    }

    @Override
    public void destroy() {
        clients.forEach(client -> {
            client.emitter.complete();
            client.close();
        });
    }

    private final class Client {

        private final Visibility scope;
        private final SseEmitter emitter;
        private final BlockingQueue<LiveEvent> queue;
        private volatile boolean closed;

        Client(Visibility scope, SseEmitter emitter, BlockingQueue<LiveEvent> queue) {
            this.scope = scope;
            this.emitter = emitter;
            this.queue = queue;
        }

        void close() {
            closed = true;
            clients.remove(this);
            queue.clear();
            queue.offer(CLOSE);
        }

        void run(Long lastEventId) {
            try {
                // Events committed while the replay runs are both in the table and in the queue:
                // remember what was replayed to send each once.
                Set<Long> replayed = lastEventId == null ? Set.of() : replay(lastEventId);
                while (!closed) {
                    LiveEvent event = queue.poll(properties.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
                    if (event == null) {
                        emitter.send(SseEmitter.event().comment("keep-alive"));
                        replayed = Set.of();
                    }
                    else if (event == CLOSE) {
                        break;
                    }
                    else if (!replayed.contains(event.id())) {
                        send(event);
                    }
                }
            }
            catch (IOException | IllegalStateException ex) {
                // The client went away or the stream timed out: the container completes the request.
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            catch (RuntimeException ex) {
                log.warn("Live client stream failed: {}", ex.toString());
                emitter.completeWithError(ex);
            }
            finally {
                close();
            }
        }

        private Set<Long> replay(long lastEventId) throws IOException {
            Set<Long> sent = new HashSet<>();
            long after = lastEventId;
            List<LiveEvent> page;
            do {
                page = events.after(after, properties.replayWindow(), scope, REPLAY_PAGE);
                for (LiveEvent event : page) {
                    send(event);
                    sent.add(event.id());
                    after = event.id();
                }
            }
            while (page.size() == REPLAY_PAGE && !closed);
            return sent;
        }

        private void send(LiveEvent event) throws IOException {
            emitter.send(SseEmitter.event().id(Long.toString(event.id())).name(event.type()).data(event.data()));
        }
    }
}
