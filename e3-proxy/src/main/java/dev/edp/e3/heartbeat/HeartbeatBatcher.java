package dev.edp.e3.heartbeat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import dev.edp.e3.ServiceUrl;
import dev.edp.e3.assertion.DeviceAssertionKeys;
import dev.edp.platform.device.DeviceProof;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Collects devices' heartbeats and hands them to monitoring in one request per batch
 * ({@value #BATCH_PATH}), the way a database commits a group: a heartbeat that finds
 * fewer than {@code max-in-flight} batches on their way is sent at once (a batch of one
 * when the fleet is quiet, so no added wait); the heartbeats that arrive while the
 * batches are on their way are collected and sent together as soon as one comes back (at
 * most {@code max-items} and {@value #MAX_BATCH_BYTES} bytes per batch). The busier
 * monitoring is, the larger the batches, and the less each heartbeat costs it.
 * <p>
 * Each heartbeat carries what E3 would have forwarded with it alone (the device's
 * credential and the request proof for its own
 * {@code POST /monitoring/api/v1/heartbeat}); the batch carries E3's proof without a
 * device, bound to the batch path and the SHA-256 of the batch's body
 * ({@link DeviceProof#bodyQuery(byte[])}).
 * <p>
 * {@link #submit} answers per heartbeat: {@code true} when monitoring took it (the device
 * gets 202), {@code false} when it did not (monitoring asked for it alone, its batch
 * failed or took longer than {@code timeout}, it waited longer than {@code timeout} for a
 * batch, or too many heartbeats wait already): the caller then routes it alone, and the
 * device gets monitoring's own answer as without batches. A heartbeat waits only while a
 * batch is on its way, and every batch ends within {@code timeout}, so none waits longer
 * than twice that.
 */
public final class HeartbeatBatcher {

    /**
     * Monitoring's batch path (an internal one: no route on E3, refused by the portal).
     */
    public static final String BATCH_PATH = "/api/monitoring/v1/internal/heartbeat-batches";

    /** The device path a batched heartbeat was sent to. */
    public static final String HEARTBEAT_PATH = "/monitoring/api/v1/heartbeat";

    /** The audience of the credentials and proofs: the service's registry name. */
    static final String AUDIENCE = "monitoring";

    /**
     * The client address in the batch's own proof: E3 itself, no client (the unspecified
     * address).
     */
    static final String NO_CLIENT = "0.0.0.0";

    /**
     * The most a batch's body may hold, well below what monitoring accepts in one request
     * ({@code edp.web.max-request-size}, 1 MB): large heartbeats make smaller batches.
     */
    static final long MAX_BATCH_BYTES = 512 * 1024;

    private static final Logger log = LoggerFactory.getLogger(HeartbeatBatcher.class);

    /** One heartbeat of a batch, as monitoring reads it. */
    record Item(String credential, String proof, String body) {
    }

    private record Batch(List<Item> heartbeats) {
    }

    private record Answer(List<String> results) {
    }

    /**
     * A heartbeat waiting: in {@link #waiting} until a batch takes it or it has waited
     * too long, then in that batch; settled exactly once.
     */
    private record Pending(Item item, Sinks.One<Boolean> taken, long since) {

        /** About what it adds to a batch's body, in bytes. */
        long size() {
            return item.credential().length() + item.proof().length() + item.body().length() + 48;
        }

    }

    /** The next batch, and the heartbeats that waited too long for one. */
    private record Next(List<Pending> batch, List<Pending> expired) {
    }

    private final LongSupplier nanoTime;

    private final DeviceAssertionKeys keys;

    private final WebClient web;

    private final URI batchUri;

    private final int maxItems;

    private final int maxInFlight;

    private final int maxPending;

    private final Duration timeout;

    private final JsonMapper json = JsonMapper.builder().build();

    private final Object lock = new Object();

    /** Heartbeats not taken by a batch yet; guarded by {@link #lock}. */
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();

    /** Batches on their way; guarded by {@link #lock}. */
    private int inFlight;

    /** Heartbeats waiting or in a batch on its way. */
    private final AtomicInteger pending = new AtomicInteger();

    private final Counter answeredBatches;

    private final Counter failedBatches;

    private final Counter routedAlone;

    private final DistributionSummary batchSize;

    /**
     * @param keys E3's credentials and proofs
     * @param web the client (load-balanced when {@code monitoring} is a registry name)
     * @param monitoring where monitoring is
     * @param maxItems the most heartbeats in one batch
     * @param maxInFlight the most batches on their way at once
     * @param maxPending heartbeats that may wait at once
     * @param timeout how long a batch may take, and a heartbeat wait for one
     * @param meters where batches are counted
     */
    public HeartbeatBatcher(DeviceAssertionKeys keys, WebClient web, ServiceUrl monitoring, int maxItems,
            int maxInFlight, int maxPending, Duration timeout, MeterRegistry meters) {
        this(keys, web, monitoring, maxItems, maxInFlight, maxPending, timeout, meters, System::nanoTime);
    }

    /**
     * As the public constructor, with the clock that tells how long a heartbeat waited
     * (tests advance it; a batch's own timeout runs on Reactor's clock).
     */
    HeartbeatBatcher(DeviceAssertionKeys keys, WebClient web, ServiceUrl monitoring, int maxItems, int maxInFlight,
            int maxPending, Duration timeout, MeterRegistry meters, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.keys = keys;
        this.web = web;
        this.batchUri = URI.create(monitoring.resolve(BATCH_PATH));
        this.maxItems = Math.max(1, maxItems);
        this.maxInFlight = Math.max(1, maxInFlight);
        this.maxPending = maxPending;
        this.timeout = timeout;
        this.answeredBatches = batches(meters, "answered");
        this.failedBatches = batches(meters, "failed");
        this.routedAlone = Counter.builder("edp.e3.heartbeat.routed.alone")
            .description("Heartbeats routed alone after all: handed back, a failed batch, waited too long, "
                    + "too many waiting")
            .register(meters);
        this.batchSize = DistributionSummary.builder("edp.e3.heartbeat.batch.size")
            .description("Heartbeats per batch")
            .register(meters);
        Gauge.builder("edp.e3.heartbeat.pending", pending, AtomicInteger::get)
            .description("Heartbeats waiting for a batch or its answer")
            .register(meters);
    }

    private static Counter batches(MeterRegistry meters, String outcome) {
        return Counter.builder("edp.e3.heartbeat.batches")
            .description("Heartbeat batches sent to monitoring, by outcome")
            .tag("outcome", outcome)
            .register(meters);
    }

    /**
     * @param device the device's credential for monitoring
     * @param clientAddress the client address E3 saw
     * @param body the heartbeat's body as the device sent it
     * @return whether monitoring took it; false: route it alone
     */
    public Mono<Boolean> submit(DeviceAssertionKeys.Credential device, String clientAddress, byte[] body) {
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            routedAlone.increment();
            return Mono.just(false);
        }
        Item item = new Item(device.token(), keys.proof(device, AUDIENCE, "POST", HEARTBEAT_PATH, null, clientAddress),
                Base64.getEncoder().encodeToString(body));
        Pending heartbeat = new Pending(item, Sinks.one(), nanoTime.getAsLong());
        Next next = null;
        synchronized (lock) {
            waiting.add(heartbeat);
            if (inFlight < maxInFlight) {
                next = next();
            }
        }
        go(next);
        return heartbeat.taken().asMono();
    }

    /**
     * Takes the next batch of what waits (counted in flight if there is one), and what
     * waited too long; under the lock.
     */
    private Next next() {
        List<Pending> batch = new ArrayList<>(Math.min(waiting.size(), maxItems));
        List<Pending> expired = new ArrayList<>();
        long oldest = nanoTime.getAsLong() - timeout.toNanos();
        long bytes = 0;
        while (!waiting.isEmpty() && batch.size() < maxItems) {
            Pending heartbeat = waiting.peek();
            if (heartbeat.since() - oldest < 0) {
                expired.add(waiting.poll());
            }
            else if (batch.isEmpty() || bytes + heartbeat.size() <= MAX_BATCH_BYTES) {
                batch.add(waiting.poll());
                bytes += heartbeat.size();
            }
            else {
                break;
            }
        }
        if (!batch.isEmpty()) {
            inFlight++;
        }
        return new Next(batch, expired);
    }

    /** Outside the lock: routes the expired alone, sends the batch. */
    private void go(Next next) {
        if (next == null) {
            return;
        }
        next.expired().forEach(heartbeat -> settle(heartbeat, false));
        if (!next.batch().isEmpty()) {
            send(next.batch());
        }
    }

    private void send(List<Pending> batch) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(new Batch(batch.stream().map(Pending::item).toList()));
        }
        catch (RuntimeException ex) {
            log.warn("Could not write a heartbeat batch; its heartbeats are routed alone", ex);
            answered(batch, null);
            return;
        }
        batchSize.record(batch.size());
        String query = DeviceProof.bodyQuery(body);
        web.post()
            .uri(URI.create(batchUri + "?" + query))
            .contentType(MediaType.APPLICATION_JSON)
            .header(DeviceProof.HEADER, keys.proof(null, AUDIENCE, "POST", BATCH_PATH, query, NO_CLIENT))
            .bodyValue(body)
            .retrieve()
            .bodyToMono(byte[].class)
            .timeout(timeout)
            .map(answer -> json.readValue(answer, Answer.class).results())
            .subscribe(results -> {
                answeredBatches.increment();
                answered(batch, results);
            }, failure -> {
                failedBatches.increment();
                log.debug("A heartbeat batch of {} failed; its heartbeats are routed alone: {}", batch.size(),
                        failure.toString());
                answered(batch, null);
            });
    }

    /** Settles a batch's heartbeats, then sends what gathered meanwhile. */
    private void answered(List<Pending> batch, List<String> results) {
        boolean usable = results != null && results.size() == batch.size();
        for (int i = 0; i < batch.size(); i++) {
            settle(batch.get(i), usable && "ACCEPTED".equals(results.get(i)));
        }
        Next next;
        synchronized (lock) {
            inFlight--;
            next = next();
        }
        go(next);
    }

    private void settle(Pending heartbeat, boolean accepted) {
        pending.decrementAndGet();
        if (!accepted) {
            routedAlone.increment();
        }
        heartbeat.taken().tryEmitValue(accepted);
    }

}
