package dev.edp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.edp.agent.DeviceKeys;
import dev.edp.agent.Pems;
import dev.edp.agent.TokenSource;
import dev.edp.agent.net.HttpConnection;
import dev.edp.agent.net.HttpRequestSpec;
import dev.edp.agent.net.NettyHttp;
import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.OidcTokens;
import io.netty.handler.ssl.SslContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the benchmark's fleet the way real devices are made: an onboarding token per
 * device through the gateway (as the example customer's API client), then enrollment
 * through E3 with the device's own key. Enrollment is measured at E3 (201s per second)
 * and end to end (until device-management has every device ACTIVE, read from PostgreSQL).
 */
final class Fleet {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final PlatformUnderTest platform;

    private final NettyHttp net;

    private final List<X509Certificate> e3Trust;

    Fleet(PlatformUnderTest platform, NettyHttp net) throws IOException {
        this.platform = platform;
        this.net = net;
        this.e3Trust = Pems.certificates(java.nio.file.Files.readString(platform.e3ChainFile()));
    }

    List<X509Certificate> e3Trust() {
        return e3Trust;
    }

    /**
     * @param tokens how many
     * @return the tokens and how fast they were made
     */
    Made<List<String>> tokens(int tokens, String prefix, int parallel) throws Exception {
        TokenSource source = TokenSource.gateway(platform.gateway(),
                OidcTokens.tokenEndpoint(platform.keycloak(), EdpRealm.NAME), EdpRealm.AUTOMATION_CLIENT_ID,
                platform.automationSecret(), UUID.fromString(platform.customerId()), "TESTING");
        List<String> made = Collections.synchronizedList(new ArrayList<>());
        Instant start = Instant.now();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore slots = new Semaphore(parallel);
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < tokens; i++) {
                String name = prefix + "-" + i;
                slots.acquire();
                futures.add(workers.submit(() -> {
                    try {
                        made.add(source.next(name));
                    }
                    finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (var future : futures) {
                future.get();
            }
        }
        return new Made<>(made, Duration.between(start, Instant.now()));
    }

    /**
     * Enrolls one device per token through E3, {@code parallel} at a time, each on its
     * own connection without a client certificate (as a new device has none). The first
     * {@code unmeasured} enrollments warm the path up (on freshly started services the
     * JIT is still compiling it); the rest are measured, with the platform's CPU.
     * @return the devices, the measured enrollments as E3 answered them, the time until
     * E3 answered the last one, and until all were ACTIVE (both from the first measured)
     */
    Enrolled enroll(List<String> tokens, int parallel, int unmeasured, CpuMeter cpu) throws Exception {
        // Keys and CSRs first: that is the device's work, not the platform's.
        List<KeyPair> keys = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (String token : tokens) {
            KeyPair pair = DeviceKeys.generate();
            keys.add(pair);
            bodies.add(JSON.writeValueAsBytes(Map.of("token", token, "csr", DeviceKeys.csr(pair, "new-device"))));
        }
        List<Device> devices = Collections.synchronizedList(new ArrayList<>());
        int warm = Math.min(unmeasured, tokens.size());
        enroll(keys.subList(0, warm), bodies.subList(0, warm), parallel, devices, new Stats());
        awaitActive(devices.stream().map(Device::id).toList(), Instant.now(), Duration.ofMinutes(5));
        Stats stats = new Stats();
        Map<String, Long> before = cpu.read();
        Instant start = Instant.now();
        enroll(keys.subList(warm, keys.size()), bodies.subList(warm, bodies.size()), parallel, devices, stats);
        Duration atE3 = Duration.between(start, Instant.now());
        Map<String, Long> after = cpu.read();
        Stats.Result measured = stats.result("enrollments at E3", 201);
        List<UUID> ids = devices.stream().map(Device::id).toList();
        Duration active = awaitActive(ids, start, Duration.ofMinutes(5));
        return new Enrolled(List.copyOf(devices), tokens.size() - warm,
                measured.withCpu(CpuMeter.perRequest(before, after, measured.succeeded())), atE3, active);
    }

    private void enroll(List<KeyPair> keys, List<byte[]> bodies, int parallel, List<Device> devices, Stats stats)
            throws InterruptedException {
        SslContext anonymous = NettyHttp.clientContext(null, null, e3Trust);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", platform.e3().getPort());
        Semaphore slots = new Semaphore(parallel);
        List<CompletableFuture<?>> all = new ArrayList<>();
        stats.start();
        for (int i = 0; i < keys.size(); i++) {
            slots.acquire();
            KeyPair pair = keys.get(i);
            byte[] body = bodies.get(i);
            long began = System.nanoTime();
            all.add(net.connect(address, "localhost", anonymous, TIMEOUT)
                .thenCompose(connection -> send(connection,
                        HttpRequestSpec.postJson("/onboarding/api/v1/enrollments", body)))
                .whenComplete((response, failure) -> {
                    slots.release();
                    String outcome = response != null ? Integer.toString(response.status())
                            : failure.getClass().getSimpleName();
                    stats.record(outcome, System.nanoTime() - began);
                    if (response != null && response.status() == 201) {
                        devices.add(device(pair, response.text()));
                    }
                }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(failure -> null).join();
        stats.end();
    }

    private static CompletableFuture<dev.edp.agent.net.HttpResponseData> send(HttpConnection connection,
            HttpRequestSpec request) {
        return connection.send(request, TIMEOUT).whenComplete((response, failure) -> connection.close());
    }

    private static Device device(KeyPair pair, String json) {
        JsonNode body = JSON.readTree(json);
        List<X509Certificate> chain = new ArrayList<>(Pems.certificates(body.path("certificate").asString()));
        if (body.hasNonNull("chain")) {
            chain.addAll(Pems.certificates(body.path("chain").asString()));
        }
        return new Device(UUID.fromString(body.path("deviceId").asString()), pair.getPrivate(), chain);
    }

    /**
     * @return the time from {@code start} until every device is ACTIVE in
     * device-management's table
     */
    Duration awaitActive(List<UUID> ids, Instant start, Duration limit) throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        try (Connection db = database()) {
            while (true) {
                long active = count(db,
                        "select count(*) from devices.device where id = any(?) and lifecycle = 'ACTIVE'", ids);
                if (active >= ids.size()) {
                    return Duration.between(start, Instant.now());
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "only %d of %d devices ACTIVE after %s",
                            active, ids.size(), limit));
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    Connection database() throws SQLException {
        return DriverManager.getConnection(platform.jdbcUrl(), "edp", "edp");
    }

    static long count(Connection db, String sql, List<UUID> ids) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Something made, and how long it took. */
    record Made<T>(T value, Duration took) {
    }

    /**
     * @param devices the enrolled devices, the unmeasured first ones too
     * @param measured how many enrollments were measured (the last ones)
     * @param atE3 the measured enrollment requests as E3 answered them, with the
     * platform's CPU per enrollment
     * @param untilAnswered from the first measured request to the last answer
     * @param untilActive from the first measured request until device-management had all
     * ACTIVE (the unmeasured ones were before it started)
     */
    record Enrolled(List<Device> devices, int measured, Stats.Result atE3, Duration untilAnswered,
            Duration untilActive) {
    }

}
