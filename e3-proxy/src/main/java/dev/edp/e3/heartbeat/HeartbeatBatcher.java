package dev.edp.e3.heartbeat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * failed, or it was not taken within {@code timeout}, or too many heartbeats wait
 * already): the caller then routes it alone, and the device gets monitoring's own answer
 * as without batches.
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

    private static final Logger log = LoggerFactory.getLogger(HeartbeatBatcher.class);

    /** One heartbeat of a batch, as monitoring reads it. */
    record Item(String credential, String proof, String body) {
    }

    private record Batch(List<Item> heartbeats) {
    }

    private record Answer(List<String> results) {
    }

    /** A heartbeat waiting; settled once, by its batch's answer or its timeout. */
    private record Pending(Item item, Sinks.One<Boolean> taken, AtomicBoolean settled) {

        /** About what it adds to a batch's body, in bytes. */
        long size() {
            return item.credential().length() + item.proof().length() + item.body().length() + 48;
        }

    }

    /**
     * The most a batch's body may hold, well below what monitoring accepts in one request
     * ({@code edp.web.max-request-size}, 1 MB): large heartbeats make smaller batches.
     */
    static final long MAX_BATCH_BYTES = 512 * 1024;

    private final DeviceAssertionKeys keys;

    private final WebClient web;

    private final URI batchUri;

    private final int maxItems;

    private final int maxInFlight;

    private final int maxPending;

    private final Duration timeout;

    private final JsonMapper json = JsonMapper.builder().build();

    private final Object lock = new Object();

    private final AtomicInteger pending = new AtomicInteger();

    private List<Pending> collecting = new ArrayList<>();

    private int inFlight;

    private final Counter answeredBatches;

    private final Counter failedBatches;

    private final Counter routedAlone;

    private final DistributionSummary batchSize;

    /**
     * @param keys E3's credentials and proofs
     * @param web the client (load-balanced when {@code monitoringUrl} is {@code lb://})
     * @param monitoringUrl where monitoring is ({@code lb://monitoring} or a URL)
     * @param maxItems the most heartbeats in one batch
     * @param maxInFlight the most batches on their way at once
     * @param maxPending heartbeats that may wait at once
     * @param timeout how long a heartbeat waits to be taken in a batch
     * @param meters where batches are counted
     */
    public HeartbeatBatcher(DeviceAssertionKeys keys, WebClient web, String monitoringUrl, int maxItems,
            int maxInFlight, int maxPending, Duration timeout, MeterRegistry meters) {
        this.keys = keys;
        this.web = web;
        // The load-balanced client takes the service's name as an http:// host.
        String base = monitoringUrl.startsWith("lb://") ? "http://" + monitoringUrl.substring("lb://".length())
                : monitoringUrl;
        this.batchUri = URI.create(base.replaceAll("/+$", "") + BATCH_PATH);
        this.maxItems = Math.max(1, maxItems);
        this.maxInFlight = Math.max(1, maxInFlight);
        this.maxPending = maxPending;
        this.timeout = timeout;
        this.answeredBatches = batches(meters, "answered");
        this.failedBatches = batches(meters, "failed");
        this.routedAlone = Counter.builder("edp.e3.heartbeat.routed.alone")
            .description("Heartbeats routed alone after all: handed back, a failed batch, a timeout, too many waiting")
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
        Pending waiting = new Pending(item, Sinks.one(), new AtomicBoolean());
        List<Pending> batch = null;
        synchronized (lock) {
            collecting.add(waiting);
            if (inFlight < maxInFlight) {
                batch = next();
            }
        }
        if (batch != null) {
            send(batch);
        }
        return waiting.taken().asMono().timeout(timeout, Mono.fromSupplier(() -> {
            settle(waiting, false);
            return false;
        }));
    }

    /**
     * Takes the next batch of what is collected and counts it in flight; under the lock.
     */
    private List<Pending> next() {
        List<Pending> batch = new ArrayList<>(Math.min(collecting.size(), maxItems));
        int taken = 0;
        long bytes = 0;
        for (Pending waiting : collecting) {
            if (batch.size() == maxItems || (!batch.isEmpty() && bytes + waiting.size() > MAX_BATCH_BYTES)) {
                break;
            }
            taken++;
            if (!waiting.settled().get()) {
                batch.add(waiting);
                bytes += waiting.size();
            }
        }
        collecting = new ArrayList<>(collecting.subList(taken, collecting.size()));
        if (batch.isEmpty()) {
            return null;
        }
        inFlight++;
        return batch;
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

    /** Settles a batch's heartbeats, then sends what was collected meanwhile. */
    private void answered(List<Pending> batch, List<String> results) {
        boolean usable = results != null && results.size() == batch.size();
        for (int i = 0; i < batch.size(); i++) {
            settle(batch.get(i), usable && "ACCEPTED".equals(results.get(i)));
        }
        List<Pending> following;
        synchronized (lock) {
            inFlight--;
            following = next();
        }
        if (following != null) {
            send(following);
        }
    }

    private void settle(Pending waiting, boolean accepted) {
        if (!waiting.settled().compareAndSet(false, true)) {
            return;
        }
        pending.decrementAndGet();
        if (!accepted) {
            routedAlone.increment();
        }
        waiting.taken().tryEmitValue(accepted);
    }

}
