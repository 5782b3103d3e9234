package dev.edp.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.edp.agent.net.HttpConnection;
import dev.edp.agent.net.HttpRequestSpec;
import dev.edp.agent.net.HttpResponseData;
import dev.edp.agent.net.NettyHttp;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.OidcTokens;
import io.netty.handler.ssl.SslContext;
import tools.jackson.databind.JsonNode;

/**
 * The desired-state fan-out: every device holds a long-poll through E3 (one connection
 * each), a release is pinned to TESTING, and each device that receives it reports
 * {@code ready}. Measured from the pin's request to the last device's report in
 * device-management's table.
 */
final class FanOut {

    private static final Duration LONG_POLL = Duration.ofSeconds(25);

    private static final String DESIRED = "/devices/api/v1/device/desired-state";

    private final PlatformUnderTest platform;

    private final NettyHttp net;

    private final Fleet fleet;

    private final HttpClient http = HttpClient.newHttpClient();

    private final AtomicInteger retried = new AtomicInteger();

    /** Long-polls sent again after a refusal or a timeout, by status. */
    private final Map<Integer, Integer> pollsRetried = new ConcurrentHashMap<>();

    /** Failed connection set-ups (connect, handshake, first read) by cause. */
    private final Map<String, Integer> setupFailures = new ConcurrentHashMap<>();

    /**
     * How long a report is sent again while E3 sheds it: a whole group gets the release
     * at once and reports within seconds, while device-management works through them at
     * its own pace behind E3's in-flight bound (2,000 devices: a report still shed after
     * ten attempts, ~15 s, failed the run).
     */
    private static final Duration REPORT_RETRIES = Duration.ofMinutes(3);

    /** Connections being opened at once. */
    static final int SETUPS = 64;

    /** Attempts per device to open its connection. */
    private static final int SETUP_ATTEMPTS = 5;

    FanOut(PlatformUnderTest platform, NettyHttp net, Fleet fleet) {
        this.platform = platform;
        this.net = net;
        this.fleet = fleet;
    }

    /**
     * @param delivered from the pin's request until every device had the new desired
     * state
     * @param reported from the pin's request until device-management had every device's
     * {@code ready}
     * @param devices how many devices took part
     * @param reportsRetried reports sent again after E3 shed them (503/429 with
     * Retry-After)
     * @param setupFailures failed connection set-ups by cause (each was tried again)
     * @param pollsRetried long-polls sent again after a 503, 504 or 429, by status
     */
    record Result(Duration delivered, Duration reported, int devices, int reportsRetried,
            Map<String, Integer> setupFailures, Map<Integer, Integer> pollsRetried) {
    }

    /**
     * What hands the new release to the fleet once every device's long-poll is parked.
     */
    @FunctionalInterface
    interface Trigger {

        /**
         * @param token an access token of the benchmark's customer
         * @param release the new release
         * @return when the request was sent (the delivery time counts from there)
         * @throws Exception if the platform refused
         */
        Instant start(String token, UUID release) throws Exception;

    }

    /** The fan-out of a TESTING pin. */
    Result run(List<Device> devices, List<SslContext> contexts) throws Exception {
        return run(devices, contexts, this::pin);
    }

    /**
     * @param trigger hands the release to the fleet (a pin, a rollout)
     */
    Result run(List<Device> devices, List<SslContext> contexts, Trigger trigger) throws Exception {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", platform.e3().getPort());
        String token = OidcTokens.clientCredentials(platform.keycloak(), EdpRealm.NAME, EdpRealm.AUTOMATION_CLIENT_ID,
                platform.automationSecret());
        UUID release = release(token);
        AtomicLong lastDelivered = new AtomicLong();
        Map<UUID, Boolean> got = new ConcurrentHashMap<>();
        // Every device fetches its current state and then parks a long-poll with that
        // ETag.
        List<CompletableFuture<Void>> polls = new java.util.ArrayList<>();
        List<CompletableFuture<Void>> parked = new java.util.ArrayList<>();
        // At most SETUPS connections are being opened (TLS handshake and first read) at
        // once, as a fleet coming online over time would; all at once, the handshakes of
        // a large fleet queue up behind each other in E3 on this small machine (2,000
        // devices: ~880 parked within 5 minutes, the rest reset or timed out). A device
        // whose connection fails is connected again after a second, like the agent does,
        // up to SETUP_ATTEMPTS times; each failure is counted with its cause.
        Semaphore setups = new Semaphore(SETUPS);
        for (int i = 0; i < devices.size(); i++) {
            Device device = devices.get(i);
            SslContext context = contexts.get(i);
            CompletableFuture<Void> isParked = new CompletableFuture<>();
            parked.add(isParked);
            setups.acquire();
            CompletableFuture<Opened> opened = setUp(address, context, SETUP_ATTEMPTS);
            // Released once, when the set-up ended either way.
            opened.whenComplete((done, error) -> setups.release());
            CompletableFuture<Void> poll = opened.thenCompose(
                    open -> follow(open.connection(), device, open.etag(), release, isParked, got, lastDelivered));
            polls.add(poll);
            // A device that could not connect within its attempts never parks: say why at
            // once instead of waiting out the deadline.
            poll.whenComplete((done, error) -> {
                if (error != null) {
                    isParked.completeExceptionally(error);
                }
            });
        }
        CompletableFuture.allOf(parked.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        // Give the last long-polls time to reach device-management and park there.
        TimeUnit.SECONDS.sleep(2);
        Instant pinned = trigger.start(token, release);
        CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get(15, TimeUnit.MINUTES);
        Duration delivered = Duration.ofNanos(lastDelivered.get() - toNanos(pinned));
        Duration reported;
        try (Connection db = fleet.database()) {
            List<UUID> ids = devices.stream().map(Device::id).toList();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (Fleet.count(db,
                    "select count(*) from devices.device where id = any(?) and reported_release_id = '" + release + "'",
                    ids) < ids.size()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("not every device reported the release within 2 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            reported = Duration.between(pinned, Instant.now());
        }
        return new Result(delivered, reported, devices.size(), retried.get(), Map.copyOf(setupFailures),
                Map.copyOf(pollsRetried));
    }

    /** An open connection and the ETag of its first read. */
    private record Opened(HttpConnection connection, String etag) {
    }

    /**
     * Connects and reads the current desired state, again after a failed connection or a
     * 503/429 (E3 shedding load), up to {@code attempts} times.
     */
    private CompletableFuture<Opened> setUp(InetSocketAddress address, SslContext context, int attempts) {
        CompletableFuture<Opened> opened = net.connect(address, "localhost", context, Duration.ofSeconds(60))
            .thenCompose(connection -> connection.send(HttpRequestSpec.get(DESIRED, Map.of()), Duration.ofSeconds(60))
                .thenApply(first -> {
                    if (first.status() != 200) {
                        connection.close();
                        throw new IllegalStateException("first desired-state read answered " + first.status());
                    }
                    return new Opened(connection, first.header("etag"));
                }));
        return opened.handle((done, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(done);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            setupFailures.merge(cause.getClass().getSimpleName() + ": " + cause.getMessage(), 1, Integer::sum);
            if (attempts <= 1) {
                return CompletableFuture.<Opened>failedFuture(cause);
            }
            return CompletableFuture
                .supplyAsync(() -> null,
                        CompletableFuture.delayedExecutor(1000 + ThreadLocalRandom.current().nextLong(1000),
                                TimeUnit.MILLISECONDS))
                .thenCompose(ignored -> setUp(address, context, attempts - 1));
        }).thenCompose(next -> next);
    }

    /** Long-polls until the device receives {@code release}, then reports it ready. */
    private CompletableFuture<Void> follow(HttpConnection connection, Device device, String etag, UUID release,
            CompletableFuture<Void> parked, Map<UUID, Boolean> got, AtomicLong lastDelivered) {
        CompletableFuture<HttpResponseData> poll = connection.send(HttpRequestSpec
            .get(DESIRED + "?wait=" + LONG_POLL.toSeconds(), etag == null ? Map.of() : Map.of("If-None-Match", etag)),
                LONG_POLL.plusSeconds(30));
        parked.complete(null);
        return poll.thenCompose(response -> {
            if (response.status() == 200 && release.toString()
                .equals(Fleet.JSON.readTree(response.body()).path("releaseId").asString(null))) {
                got.put(device.id(), true);
                lastDelivered.accumulateAndGet(System.nanoTime(), Math::max);
                byte[] report = Fleet.JSON.writeValueAsBytes(Map.of("agentVersion", "bench", "osVersion", "bench",
                        "releaseId", release, "containers", List.of(Map.of("name", "bench-app", "image",
                                "registry.example.com/bench/app:1.0", "state", "ready"))));
                return report(connection, report, System.nanoTime() + REPORT_RETRIES.toNanos())
                    .whenComplete((ok, error) -> connection.close());
            }
            if (response.status() == 200 || response.status() == 304) {
                return follow(connection, device, response.status() == 200 ? response.header("etag") : etag, release,
                        new CompletableFuture<>(), got, lastDelivered);
            }
            if (response.status() == 503 || response.status() == 504 || response.status() == 429) {
                // Like the agent: E3 or device-management shed the poll, or it timed out;
                // poll again after Retry-After (1 s without one) and up to a second of
                // jitter, instead of dropping the device from the run.
                pollsRetried.merge(response.status(), 1, Integer::sum);
                return afterRetryAfter(response,
                        () -> follow(connection, device, etag, release, new CompletableFuture<>(), got, lastDelivered));
            }
            connection.close();
            throw new IllegalStateException("desired state answered " + response.status() + ": " + response.text());
        });
    }

    /**
     * Reports the release ready; like the agent, sends again after {@code Retry-After}
     * (plus up to a second of jitter) when E3 sheds load (503 {@code BACKEND_BUSY}, 429):
     * a whole fleet reports at once here, more than E3 lets into one route at a time.
     */
    private CompletableFuture<Void> report(HttpConnection connection, byte[] report, long until) {
        return connection
            .send(HttpRequestSpec.postJson("/devices/api/v1/device/reported-state", report), Duration.ofSeconds(60))
            .thenCompose(answer -> {
                if (answer.status() == 204) {
                    return CompletableFuture.completedFuture(null);
                }
                if ((answer.status() == 503 || answer.status() == 429) && System.nanoTime() < until) {
                    retried.incrementAndGet();
                    return afterRetryAfter(answer, () -> report(connection, report, until));
                }
                throw new IllegalStateException("reported-state answered " + answer.status());
            });
    }

    /**
     * Sends again after the answer's {@code Retry-After} (1 s without one, at most 30 s)
     * plus up to a second of jitter, as the agent does.
     */
    private static <T> CompletableFuture<T> afterRetryAfter(HttpResponseData answer,
            Supplier<CompletableFuture<T>> again) {
        long delay = parseRetryAfter(answer.header("retry-after")) * 1000 + ThreadLocalRandom.current().nextLong(1000);
        return CompletableFuture
            .supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
            .thenCompose(ignored -> again.get());
    }

    private static long parseRetryAfter(String value) {
        try {
            return value == null ? 1 : Math.max(0, Math.min(30, Long.parseLong(value.trim())));
        }
        catch (NumberFormatException ex) {
            return 1;
        }
    }

    private UUID release(String token) throws Exception {
        String suffix = Long.toString(System.currentTimeMillis(), 36);
        JsonNode app = post(token, "/api/devices/v1/applications",
                Map.of("name", "bench-app-" + suffix, "imageRepository", "registry.example.com/bench/app"));
        JsonNode release = post(token, "/api/devices/v1/releases", Map.of("name", "bench-" + suffix, "containers",
                List.of(Map.of("applicationId", app.path("id").asString(), "tag", "1.0"))));
        return UUID.fromString(release.path("id").asString());
    }

    /**
     * @return when the pin was sent (the delivery time counts from there)
     */
    private Instant pin(String token, UUID release) throws Exception {
        Instant sent = Instant.now();
        HttpResponse<String> response = http
            .send(HttpRequest.newBuilder(uri("/api/devices/v1/environments/TESTING/release"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"releaseId\":\"" + release + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("pin answered " + response.statusCode() + ": " + response.body());
        }
        return sent;
    }

    private JsonNode post(String token, String path, Object body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Fleet.JSON.writeValueAsString(body)))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Fleet.JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create(platform.gateway() + path);
    }

    /**
     * Maps a wall-clock instant onto the nanoTime scale, for differences with
     * {@link System#nanoTime()}.
     */
    private static long toNanos(Instant instant) {
        long nowNanos = System.nanoTime();
        return nowNanos - Duration.between(instant, Instant.now()).toNanos();
    }

}
