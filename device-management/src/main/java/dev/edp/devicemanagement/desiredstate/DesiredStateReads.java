package dev.edp.devicemanagement.desiredstate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.edp.devicemanagement.support.DeviceConnectionShare;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.stereotype.Component;

/**
 * Reads the desired state of arriving device requests in batches: a request queues its
 * device, and at most {@link DeviceConnectionShare#size()} readers (virtual threads, each
 * holding one connection of the devices' share while it reads) take what is queued, up to
 * {@link DesiredStateRepository#CHUNK} devices at a time, and read each customer's
 * devices among them in one query. Alone, a request is read at once, as before; when many
 * arrive together (every device of a fleet long-polling, a replica's long-polls arriving
 * at the survivor, a whole customer answering a pin), they wait for the reader that is
 * busy and the next read takes them all. Before, each arrival was one or two queries of
 * its own, and 10,000 devices arriving within a minute exceeded the share (503s and E3
 * timeouts in the 10,000-device rollout benchmark). A query that fails fails the requests
 * of its customer only (503 from the starter), never those of another customer in the
 * same batch.
 */
@Component
class DesiredStateReads {

    private final DesiredStateRepository states;

    private final DeviceConnectionShare share;

    private final Duration timeout;

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

    private final AtomicInteger readers = new AtomicInteger();

    private final AtomicInteger pending = new AtomicInteger();

    private final Counter reads;

    private final Counter devices;

    /**
     * @param states the reads
     * @param share the devices' share of the pool, which bounds the readers
     * @param shareWait how long a device request waits for its turn in the share; a
     * request waits for its answer that long plus 30 s (a query's time) before it is a
     * 503
     * @param meters where the reads are counted
     */
    @Autowired
    DesiredStateReads(DesiredStateRepository states, DeviceConnectionShare share,
            @Value("${edp.device-management.device-share-wait:5s}") Duration shareWait, MeterRegistry meters) {
        this.states = states;
        this.share = share;
        this.timeout = shareWait.plusSeconds(30);
        this.reads = Counter.builder("edp.desired.state.arrival.reads")
            .description("Queries reading the desired state of arriving device requests (one per customer and batch)")
            .register(meters);
        this.devices = Counter.builder("edp.desired.state.arrivals")
            .description("Desired-state reads asked for by device requests")
            .register(meters);
        Gauge.builder("edp.desired.state.arrivals.pending", pending, AtomicInteger::get)
            .description("Device requests waiting for their desired state to be read now")
            .register(meters);
    }

    /**
     * @param customerId the customer E3 vouched for
     * @param deviceId the device
     * @return its desired state, or empty when the device is not registered for that
     * customer
     * @throws DataAccessException when the database did not answer (the starter makes it
     * a 503)
     */
    Optional<DesiredState> find(UUID customerId, UUID deviceId) {
        Pending request = new Pending(customerId, deviceId, new CompletableFuture<>());
        devices.increment();
        pending.incrementAndGet();
        try {
            queue.add(request);
            startReader();
            return request.answer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            request.answer().cancel(false); // a reader skips it
            throw new TransientDataAccessResourceException("The desired state was not read within " + timeout);
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(ex.getCause());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            request.answer().cancel(false);
            throw new TransientDataAccessResourceException("Interrupted while the desired state was read", ex);
        }
        finally {
            pending.decrementAndGet();
        }
    }

    /**
     * @return how many device requests wait for their desired state to be read now (tests
     * wait for a burst to have arrived)
     */
    int pending() {
        return pending.get();
    }

    private void startReader() {
        if (claimReader()) {
            Thread.ofVirtual().name("desired-state-read").start(this::read);
        }
        // else a running reader takes it
    }

    /**
     * @return whether a reader's slot was free and is now taken
     */
    private boolean claimReader() {
        while (true) {
            int running = readers.get();
            if (running >= share.size()) {
                return false;
            }
            if (readers.compareAndSet(running, running + 1)) {
                return true;
            }
        }
    }

    private void read() {
        boolean holding = true;
        try {
            while (holding) {
                List<Pending> batch = take();
                if (!batch.isEmpty()) {
                    read(batch);
                    continue;
                }
                readers.decrementAndGet();
                // A request queued after take() may have found every reader running:
                // stay when it is there and there is room.
                holding = !queue.isEmpty() && claimReader();
            }
        }
        finally {
            if (holding) {
                // Left by an Error: give the slot back.
                readers.decrementAndGet();
            }
        }
    }

    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < DesiredStateRepository.CHUNK && (next = queue.poll()) != null) {
            if (!next.answer().isDone()) {
                batch.add(next);
            }
        }
        return batch;
    }

    private void read(List<Pending> batch) {
        Map<UUID, List<Pending>> byCustomer = new LinkedHashMap<>();
        for (Pending request : batch) {
            byCustomer.computeIfAbsent(request.customerId(), key -> new ArrayList<>()).add(request);
        }
        try {
            share.run(() -> byCustomer.forEach(this::read));
        }
        catch (RuntimeException ex) {
            // No turn in the share: every request of the batch that is still open fails.
            batch.forEach(request -> request.answer().completeExceptionally(ex));
        }
    }

    private void read(UUID customerId, List<Pending> requests) {
        Map<UUID, List<Pending>> byDevice = new HashMap<>();
        for (Pending request : requests) {
            byDevice.computeIfAbsent(request.deviceId(), key -> new ArrayList<>()).add(request);
        }
        Map<UUID, DesiredState> found;
        try {
            reads.increment();
            found = states.findAll(customerId, byDevice.keySet());
        }
        catch (RuntimeException ex) {
            requests.forEach(request -> request.answer().completeExceptionally(ex));
            return;
        }
        byDevice.forEach((device, waiting) -> {
            Optional<DesiredState> state = Optional.ofNullable(found.get(device));
            waiting.forEach(request -> request.answer().complete(state));
        });
    }

    private record Pending(UUID customerId, UUID deviceId, CompletableFuture<Optional<DesiredState>> answer) {
    }

}
