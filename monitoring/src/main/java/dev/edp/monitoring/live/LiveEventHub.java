package dev.edp.monitoring.live;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.edp.monitoring.MonitoringProblem;
import dev.edp.platform.customer.CustomerState;
import dev.edp.platform.customer.CustomerStatusLookup;
import dev.edp.platform.customer.CustomerStatusUnavailableException;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.task.TaskThread;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The SSE clients connected to this replica. Each client has its own small queue and its
 * own virtual thread that writes to it, so a slow or dead client delays nobody else: the
 * listener only offers events to queues. A client whose queue overflows is disconnected;
 * its browser reconnects with {@code Last-Event-ID} and catches up from the table.
 * <p>
 * A stream starts at a database snapshot taken after the client is registered: it gets
 * exactly the events that snapshot does not include (committed later), and a replay only
 * of events it does include. A stream ends at the latest when its access token expires (a
 * deactivated user gets no new one), and a guard thread ends the streams of customers
 * that were deactivated meanwhile. One user holds at most {@code max-streams-per-user}
 * streams on this replica; a further one replaces the user's oldest.
 */
@Component
class LiveEventHub implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LiveEventHub.class);

    private static final LiveEvent CLOSE = new LiveEvent(-1, null, "", "", 0);

    private static final int REPLAY_PAGE = 500;

    /**
     * The shortest stream: a token that has (almost) expired still gets an answer, not a
     * timeout of 0 (= none).
     */
    private static final Duration SHORTEST_STREAM = Duration.ofSeconds(1);

    /**
     * The container's timeout is only a safety net behind the client thread, which ends
     * the stream itself at its end (a timeout is logged as an error by the web layer).
     */
    private static final Duration SAFETY_MARGIN = Duration.ofSeconds(30);

    /**
     * Who opened a stream.
     *
     * @param user the token's subject: streams are counted per user
     * @param checkedCustomer the customer whose deactivation ends the stream, or null
     * (platform admins, who act for every customer, are not checked, as by the starter's
     * per-request check)
     * @param token the access token, for the customer status lookup that relays it
     * @param tokenExpiresAt when the token expires: the stream ends then at the latest
     * (null: no expiry)
     */
    record Subscriber(String user, UUID checkedCustomer, String token, Instant tokenExpiresAt) {
    }

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();

    private final Map<String, Integer> streamsPerUser = new ConcurrentHashMap<>();

    private final LiveEventRepository events;

    private final LiveProperties properties;

    private final CustomerStatusLookup customers;

    private final Clock clock;

    private volatile TaskThread guard;

    LiveEventHub(LiveEventRepository events, LiveProperties properties, ObjectProvider<CustomerStatusLookup> lookups,
            Clock clock, MeterRegistry meters) {
        this.events = events;
        this.properties = properties;
        this.clock = clock;
        // The same rule as the starter's per-request check: exactly one lookup, or none
        // at all.
        List<CustomerStatusLookup> found = lookups.orderedStream().toList();
        this.customers = found.size() == 1 ? found.getFirst() : null;
        if (customers == null) {
            log.info("Open live event streams are not checked for deactivated customers: {} customer status lookups "
                    + "(discovery off?); they still end when their token expires", found.size());
        }
        Gauge.builder("edp.live.clients", clients, Set::size)
            .description("Live event (SSE) clients connected to this replica")
            .register(meters);
    }

    /**
     * Connects a client: registers it first, then takes the snapshot it starts from (so
     * an event committed after the snapshot reaches its queue, and one committed before
     * is not sent as live), then sends what it missed since {@code lastEventId}, then
     * live events.
     * @param subscriber who opens it
     * @param scope what it may see
     * @param lastEventId the last event it received, or null for live events only
     * @return the emitter to return from the controller
     * @throws EdpException 429 {@code TOO_MANY_STREAMS} only when the user opens more
     * than the most streams allowed at the same instant (otherwise the user's oldest
     * stream is replaced)
     */
    SseEmitter connect(Subscriber subscriber, Visibility scope, Long lastEventId) {
        reserve(subscriber.user());
        Client client = null;
        try {
            Duration lifetime = lifetime(subscriber);
            boolean tokenEnds = lifetime.compareTo(properties.streamTimeout()) < 0;
            SseEmitter emitter = new SseEmitter(lifetime.plus(SAFETY_MARGIN).toMillis());
            client = new Client(subscriber, scope, emitter, new ArrayBlockingQueue<>(properties.clientQueue()),
                    System.nanoTime() + lifetime.toNanos(), tokenEnds ? "TOKEN_EXPIRED" : "STREAM_TIMEOUT");
            Client registered = client;
            emitter.onCompletion(registered::close);
            emitter.onTimeout(registered::close);
            emitter.onError(error -> registered.close());
            clients.add(client);
            Snapshot start = events.snapshot();
            Thread.ofVirtual().name("live-client").start(() -> registered.run(start, lastEventId));
            return emitter;
        }
        catch (RuntimeException ex) {
            if (client == null) {
                release(subscriber.user());
            }
            else {
                client.close();
            }
            throw ex;
        }
    }

    /**
     * The stream timeout, or less: the stream ends when the token that opened it expires.
     */
    private Duration lifetime(Subscriber subscriber) {
        Duration lifetime = properties.streamTimeout();
        if (subscriber.tokenExpiresAt() != null) {
            Duration untilExpiry = Duration.between(clock.instant(), subscriber.tokenExpiresAt());
            lifetime = untilExpiry.compareTo(lifetime) < 0 ? untilExpiry : lifetime;
        }
        return lifetime.compareTo(SHORTEST_STREAM) < 0 ? SHORTEST_STREAM : lifetime;
    }

    /*
     * At the cap the user's oldest stream ends (stream.closed, reason REPLACED) and the
     * new one takes its place: a stream whose browser tab was reloaded or closed is only
     * noticed at the next keep-alive, and refusing the new stream instead left a user who
     * reloaded a few times without live updates (a browser's EventSource does not retry
     * after a 429). The number per user stays bounded. Only a stream counted but not yet
     * registered (a few microseconds) can make this fail.
     */
    private void reserve(String user) {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (tryReserve(user)) {
                return;
            }
            clients.stream()
                .filter(client -> client.subscriber.user().equals(user))
                .min(java.util.Comparator.comparingLong(client -> client.openedNanos))
                .ifPresent(oldest -> oldest.end("REPLACED"));
        }
        throw MonitoringProblem.TOO_MANY_STREAMS
            .exception("This user is opening more than %d live event streams at once; try again."
                .formatted(properties.maxStreamsPerUser()))
            .retryAfter(1);
    }

    private boolean tryReserve(String user) {
        boolean[] refused = { false };
        streamsPerUser.compute(user, (key, open) -> {
            int count = open == null ? 0 : open;
            if (count >= properties.maxStreamsPerUser()) {
                refused[0] = true;
                return open;
            }
            return count + 1;
        });
        return !refused[0];
    }

    private void release(String user) {
        streamsPerUser.computeIfPresent(user, (key, open) -> open <= 1 ? null : open - 1);
    }

    /** Offers events to the clients allowed to see them; never blocks. */
    void dispatch(List<LiveEvent> batch) {
        for (Client client : clients) {
            for (LiveEvent event : batch) {
                if (client.scope.sees(event) && !client.queue.offer(event)) {
                    log.info("Live client fell {} events behind; disconnecting it (it will catch up on reconnect)",
                            properties.clientQueue());
                    client.end("CLIENT_TOO_SLOW");
                    break;
                }
            }
        }
    }

    /**
     * Ends the streams of customers that are deactivated now. Customers whose state
     * cannot be found out keep their streams (fail-open, like the starter's per-request
     * check; the lookup logs it).
     */
    void checkCustomers() {
        if (customers == null) {
            return;
        }
        Map<UUID, Subscriber> byCustomer = new HashMap<>();
        for (Client client : clients) {
            Subscriber subscriber = client.subscriber;
            if (subscriber.checkedCustomer() != null) {
                // The token that lives longest: the lookup relays it to masterdata.
                byCustomer.merge(subscriber.checkedCustomer(), subscriber, (a, b) -> expiresLater(a, b) ? a : b);
            }
        }
        for (Map.Entry<UUID, Subscriber> entry : byCustomer.entrySet()) {
            UUID customer = entry.getKey();
            CustomerState state;
            try {
                state = customers.stateOf(customer, entry.getValue().token());
            }
            catch (CustomerStatusUnavailableException ex) {
                continue;
            }
            catch (RuntimeException ex) {
                log.warn("Checking customer {} of open live event streams failed: {}", customer, ex.toString());
                continue;
            }
            if (state == CustomerState.DEACTIVATED) {
                int ended = 0;
                for (Client client : clients) {
                    if (customer.equals(client.subscriber.checkedCustomer())) {
                        client.end("CUSTOMER_DEACTIVATED");
                        ended++;
                    }
                }
                log.info("Customer {} is deactivated: ended its {} live event stream(s)", customer, ended);
            }
        }
    }

    private static boolean expiresLater(Subscriber a, Subscriber b) {
        return a.tokenExpiresAt() == null
                || (b.tokenExpiresAt() != null && a.tokenExpiresAt().isAfter(b.tokenExpiresAt()));
    }

    int clientCount() {
        return clients.size();
    }

    @Override
    public void afterPropertiesSet() {
        if (customers == null) {
            return;
        }
        Duration interval = properties.customerCheckInterval();
        guard = TaskThread.start("live-stream-guard")
            .fixedDelay("customer check", interval, interval, this::checkCustomers);
    }

    @Override
    public void destroy() {
        TaskThread running = guard;
        if (running != null) {
            running.close();
        }
        clients.forEach(client -> {
            client.emitter.complete();
            client.close();
        });
    }

    private final class Client {

        private final Subscriber subscriber;

        private final Visibility scope;

        private final SseEmitter emitter;

        private final BlockingQueue<LiveEvent> queue;

        /** {@link System#nanoTime()} at which the stream ends, and why. */
        private final long endsAtNanos;

        private final String endsBecause;

        private final AtomicBoolean released = new AtomicBoolean();

        /**
         * {@link System#nanoTime()} when it was opened: at the cap the oldest is
         * replaced.
         */
        private final long openedNanos = System.nanoTime();

        private volatile boolean closed;

        /**
         * Set when the platform ends the stream: sent as a last {@code stream.closed}
         * event.
         */
        private volatile String endReason;

        Client(Subscriber subscriber, Visibility scope, SseEmitter emitter, BlockingQueue<LiveEvent> queue,
                long endsAtNanos, String endsBecause) {
            this.subscriber = subscriber;
            this.scope = scope;
            this.emitter = emitter;
            this.queue = queue;
            this.endsAtNanos = endsAtNanos;
            this.endsBecause = endsBecause;
        }

        /**
         * Ends the stream from outside its thread; the thread says why and completes the
         * response.
         */
        void end(String reason) {
            endReason = reason;
            close();
        }

        void close() {
            closed = true;
            if (released.compareAndSet(false, true)) {
                clients.remove(this);
                release(subscriber.user());
            }
            queue.clear();
            queue.offer(CLOSE);
        }

        void run(Snapshot start, Long lastEventId) {
            try {
                if (lastEventId != null) {
                    replay(lastEventId, start);
                }
                while (!closed) {
                    long left = endsAtNanos - System.nanoTime();
                    if (left <= 0) {
                        endReason = endsBecause;
                        break;
                    }
                    LiveEvent event = queue.poll(Math.min(properties.heartbeat().toNanos(), left),
                            TimeUnit.NANOSECONDS);
                    if (event == null) {
                        if (endsAtNanos - System.nanoTime() > 0) {
                            emitter.send(SseEmitter.event().comment("keep-alive"));
                        }
                    }
                    else if (event == CLOSE) {
                        break;
                    }
                    else if (!start.includes(event.txid())) {
                        send(event);
                    }
                }
                String reason = endReason;
                if (reason != null) {
                    emitter.send(SseEmitter.event().name("stream.closed").data("{\"reason\":\"" + reason + "\"}"));
                    emitter.complete();
                }
            }
            catch (IOException | IllegalStateException ex) {
                // The client went away or the stream timed out: the container completes
                // the request.
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

        /**
         * What committed before the stream started and after {@code lastEventId}; the
         * rest comes through the queue.
         */
        private void replay(long lastEventId, Snapshot start) throws IOException {
            long after = lastEventId;
            List<LiveEvent> page;
            do {
                page = events.after(after, properties.replayWindow(), scope, start, REPLAY_PAGE);
                for (LiveEvent event : page) {
                    send(event);
                    after = event.id();
                }
            }
            while (page.size() == REPLAY_PAGE && !closed);
        }

        private void send(LiveEvent event) throws IOException {
            emitter.send(SseEmitter.event().id(Long.toString(event.id())).name(event.type()).data(event.data()));
        }

    }

}
