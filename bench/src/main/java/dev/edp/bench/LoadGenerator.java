package dev.edp.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.edp.agent.net.HttpConnection;
import dev.edp.agent.net.HttpRequestSpec;
import dev.edp.agent.net.NettyHttp;
import io.netty.handler.ssl.SslContext;

/**
 * Drives one server with a fixed number of requests in flight (closed loop, like
 * autocannon's connections), spread over one keep-alive connection per device, or with a
 * new TLS connection per request. The same code measures nginx and E3, so only the server
 * differs.
 */
final class LoadGenerator {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final int PARALLEL_CONNECTS = 32;

    private final NettyHttp net;

    private final InetSocketAddress address;

    private final String host;

    private final CpuMeter cpu;

    /**
     * @param cpu the server side's processes, read at the start and the end of each
     * measured window
     */
    LoadGenerator(NettyHttp net, InetSocketAddress address, String host, CpuMeter cpu) {
        this.net = net;
        this.address = address;
        this.host = host;
        this.cpu = cpu;
    }

    /**
     * Opens one connection per device (not measured), then keeps {@code inFlight}
     * requests going, each on the idle connection that has waited longest, so every
     * device certificate takes part.
     * @param name the phase's name in the report
     * @param contexts one TLS context per device
     * @param request the request a device sends (by index into {@code contexts})
     * @param expected the status that counts as success
     */
    Stats.Result keepAlive(String name, List<SslContext> contexts, Function<Integer, HttpRequestSpec> request,
            int expected, int inFlight, Duration warmUp, Duration measure) throws InterruptedException {
        return keepAlive(name, contexts, request, (device, status) -> {
        }, expected, inFlight, warmUp, measure);
    }

    /**
     * As {@link #keepAlive(String, List, Function, int, int, Duration, Duration)},
     * telling {@code answered} each response's status with the device (index into
     * {@code contexts}) that sent it; a device has one request in flight at a time, so
     * the answer is to its latest request.
     */
    Stats.Result keepAlive(String name, List<SslContext> contexts, Function<Integer, HttpRequestSpec> request,
            BiConsumer<Integer, Integer> answered, int expected, int inFlight, Duration warmUp, Duration measure)
            throws InterruptedException {
        ConcurrentLinkedQueue<Lane> idle = new ConcurrentLinkedQueue<>();
        List<Lane> lanes = open(contexts);
        idle.addAll(lanes);
        Stats stats = new Stats();
        Window window = new Window(warmUp, measure);
        CountDownLatch done = new CountDownLatch(inFlight);
        for (int i = 0; i < inFlight; i++) {
            next(idle, request, answered, window, stats, done);
        }
        Stats.Result result = measure(window, stats, done, name, expected);
        lanes.forEach(lane -> {
            if (lane.connection != null) {
                lane.connection.close();
            }
        });
        return result;
    }

    /**
     * Keeps {@code inFlight} connections being made: each a full TLS handshake with the
     * next device's certificate, one request, close.
     */
    Stats.Result handshakes(String name, List<SslContext> freshContexts, HttpRequestSpec request, int expected,
            int inFlight, Duration warmUp, Duration measure) throws InterruptedException {
        Stats stats = new Stats();
        Window window = new Window(warmUp, measure);
        AtomicInteger nextDevice = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(inFlight);
        for (int i = 0; i < inFlight; i++) {
            handshake(freshContexts, nextDevice, request, expected, window, stats, done);
        }
        return measure(window, stats, done, name, expected);
    }

    /**
     * Waits for the measured window, then for its last requests; the result with the
     * server side's CPU per successful request over the window.
     */
    private Stats.Result measure(Window window, Stats stats, CountDownLatch done, String name, int expected)
            throws InterruptedException {
        window.awaitMeasureStart(stats);
        Map<String, Long> before = cpu.read();
        done.await();
        stats.end();
        Map<String, Long> after = cpu.read();
        Stats.Result result = stats.result(name, expected);
        return result.withCpu(CpuMeter.perRequest(before, after, result.succeeded()));
    }

    private void handshake(List<SslContext> contexts, AtomicInteger nextDevice, HttpRequestSpec request, int expected,
            Window window, Stats stats, CountDownLatch done) {
        if (window.over()) {
            done.countDown();
            return;
        }
        SslContext tls = contexts.get(Math.floorMod(nextDevice.getAndIncrement(), contexts.size()));
        long start = System.nanoTime();
        net.connect(address, host, tls, REQUEST_TIMEOUT)
            .thenCompose(connection -> connection.send(request, REQUEST_TIMEOUT)
                .whenComplete((response, failure) -> connection.close()))
            .whenComplete((response, failure) -> {
                window.record(stats, start, response != null ? Integer.toString(response.status()) : kind(failure));
                handshake(contexts, nextDevice, request, expected, window, stats, done);
            });
    }

    private void next(ConcurrentLinkedQueue<Lane> idle, Function<Integer, HttpRequestSpec> request,
            BiConsumer<Integer, Integer> answered, Window window, Stats stats, CountDownLatch done) {
        if (window.over()) {
            done.countDown();
            return;
        }
        Lane lane = idle.poll();
        if (lane == null) {
            throw new IllegalStateException("more requests in flight than device connections");
        }
        long start = System.nanoTime();
        CompletableFuture<HttpConnection> connection = lane.connection != null && lane.connection.isOpen()
                ? CompletableFuture.completedFuture(lane.connection)
                : net.connect(address, host, lane.tls, REQUEST_TIMEOUT);
        connection.thenCompose(open -> {
            lane.connection = open;
            return open.send(request.apply(lane.index), REQUEST_TIMEOUT);
        }).whenComplete((response, failure) -> {
            window.record(stats, start, response != null ? Integer.toString(response.status()) : kind(failure));
            if (response != null) {
                answered.accept(lane.index, response.status());
            }
            if (failure != null && lane.connection != null) {
                lane.connection.close();
            }
            idle.add(lane);
            next(idle, request, answered, window, stats, done);
        });
    }

    private List<Lane> open(List<SslContext> contexts) throws InterruptedException {
        Semaphore parallel = new Semaphore(PARALLEL_CONNECTS);
        List<Lane> lanes = new ArrayList<>();
        List<CompletableFuture<?>> connects = new ArrayList<>();
        for (int i = 0; i < contexts.size(); i++) {
            Lane lane = new Lane(i, contexts.get(i));
            lanes.add(lane);
            parallel.acquire();
            connects.add(net.connect(address, host, lane.tls, REQUEST_TIMEOUT).whenComplete((connection, failure) -> {
                lane.connection = connection;
                parallel.release();
            }));
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).exceptionally(failure -> null).join();
        long failed = lanes.stream().filter(lane -> lane.connection == null).count();
        if (failed > 0) {
            System.out.printf("  %d of %d device connections could not be opened up front (retried in the run)%n",
                    failed, lanes.size());
        }
        return lanes;
    }

    private static String kind(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause == null ? "error" : cause.getClass().getSimpleName();
    }

    /** A device's connection slot. */
    private static final class Lane {

        final int index;

        final SslContext tls;

        volatile HttpConnection connection;

        Lane(int index, SslContext tls) {
            this.index = index;
            this.tls = tls;
        }

    }

    /**
     * Warm-up, then the measured window; completions count only if their request started
     * inside it.
     */
    private static final class Window {

        private final long measureStart;

        private final long measureEnd;

        private volatile boolean started;

        Window(Duration warmUp, Duration measure) {
            long now = System.nanoTime();
            this.measureStart = now + warmUp.toNanos();
            this.measureEnd = measureStart + measure.toNanos();
        }

        boolean over() {
            return System.nanoTime() >= measureEnd;
        }

        void record(Stats stats, long requestStart, String outcome) {
            long now = System.nanoTime();
            if (requestStart >= measureStart && now <= measureEnd + TimeUnit.SECONDS.toNanos(30)) {
                stats.record(outcome, now - requestStart);
            }
        }

        void awaitMeasureStart(Stats stats) throws InterruptedException {
            long wait = measureStart - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            stats.start();
            started = true;
        }

    }

}
