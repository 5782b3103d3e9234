package dev.edp.e3.heartbeat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.edp.e3.ServiceUrl;
import dev.edp.e3.assertion.DeviceAssertionKeys;
import dev.edp.e3.device.AuthenticatedDevice;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batcher's limits, against a real HTTP stub of monitoring's batch endpoint: what a
 * batch may hold (bytes), and a heartbeat that waited too long for a batch. The wait is
 * told by a clock the test advances; a batch's own timeout is a minute here, so it never
 * ends a batch in these tests.
 */
class HeartbeatBatcherTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    final StubBackend monitoring = StubBackend.start();

    final DeviceAssertionKeys keys = new DeviceAssertionKeys(Clock.systemUTC(), Duration.ofMinutes(5),
            Duration.ofMinutes(5));

    final DeviceAssertionKeys.Credential device = keys.credential(new AuthenticatedDevice(UUID.randomUUID(),
            UUID.randomUUID(), BigInteger.TEN, Instant.now().plus(Duration.ofDays(30))), "monitoring");

    final AtomicLong now = new AtomicLong();

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** Holds every batch until released, then takes each of its heartbeats. */
    final CountDownLatch release = new CountDownLatch(1);

    HeartbeatBatcher batcher(int maxItems) {
        monitoring.respond(HeartbeatBatcher.BATCH_PATH, request -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            int items = JSON.readTree(request.body()).get("heartbeats").size();
            List<String> results = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                results.add("\"ACCEPTED\"");
            }
            return new Answer(200, "application/json", "{\"results\":[" + String.join(",", results) + "]}", 0);
        });
        return new HeartbeatBatcher(keys, WebClient.create(), ServiceUrl.of(monitoring.url()), maxItems, 1, 10_000,
                TIMEOUT, meters, now::get);
    }

    @AfterEach
    void stop() {
        release.countDown();
        monitoring.close();
    }

    Mono<Boolean> submit(HeartbeatBatcher batcher, String body) {
        return batcher.submit(device, "127.0.0.1", body.getBytes(StandardCharsets.UTF_8));
    }

    List<StubBackend.Received> batches() {
        return monitoring.received()
            .stream()
            .filter(request -> request.pathAndQuery().startsWith(HeartbeatBatcher.BATCH_PATH + "?"))
            .toList();
    }

    void awaitBatches(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (batches().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(batches()).hasSizeGreaterThanOrEqualTo(count);
    }

    double routedAlone() {
        return meters.get("edp.e3.heartbeat.routed.alone").counter().count();
    }

    @Test
    void aHeartbeatThatWaitedLongerThanTheTimeoutForABatchIsHandedBackUnsentAndTheOthersGoOn() throws Exception {
        HeartbeatBatcher batcher = batcher(200);
        var first = submit(batcher, "{\"n\":1}").toFuture();
        awaitBatches(1);
        var overdue = submit(batcher, "{\"n\":2}").toFuture();
        now.addAndGet(TIMEOUT.toNanos() + 1);
        var fresh = submit(batcher, "{\"n\":3}").toFuture();
        release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS)).as("taken in the first batch").isTrue();
        assertThat(overdue.get(30, TimeUnit.SECONDS)).as("waited too long: routed alone").isFalse();
        assertThat(fresh.get(30, TimeUnit.SECONDS)).as("arrived later: taken in the next batch").isTrue();
        assertThat(batches()).hasSize(2);
        assertThat(heartbeats(batches().get(1))).containsExactly("{\"n\":3}");
        assertThat(routedAlone()).isEqualTo(1);
    }

    @Test
    void aBatchHoldsAtMostMaxBatchBytesSoLargeHeartbeatsGoInSeveralSmallerBatches() throws Exception {
        HeartbeatBatcher batcher = batcher(200);
        var first = submit(batcher, "{\"n\":0}").toFuture();
        awaitBatches(1);
        // 16 KiB, the largest heartbeat E3 batches: about 23 KB in a batch (base64, the
        // device's credential and proof), so 22 fit in 512 KB.
        List<java.util.concurrent.CompletableFuture<Boolean>> large = new ArrayList<>();
        char[] filler = new char[16 * 1024 - 16];
        Arrays.fill(filler, 'x');
        for (int i = 0; i < 30; i++) {
            large.add(submit(batcher, "{\"n\":" + (100 + i) + ",\"x\":\"" + new String(filler) + "\"}").toFuture());
        }
        release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS)).isTrue();
        for (var heartbeat : large) {
            assertThat(heartbeat.get(30, TimeUnit.SECONDS)).isTrue();
        }
        List<StubBackend.Received> batches = batches();
        assertThat(batches).as("the first alone, the 30 large ones in two").hasSize(3);
        for (StubBackend.Received batch : batches) {
            assertThat(batch.body().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo((int) HeartbeatBatcher.MAX_BATCH_BYTES);
        }
        int second = heartbeats(batches.get(1)).size();
        assertThat(second).as("as many as fit in 512 KB").isBetween(20, 23);
        assertThat(heartbeats(batches.get(2))).hasSize(30 - second);
        assertThat(routedAlone()).isZero();
    }

    static List<String> heartbeats(StubBackend.Received batch) {
        List<String> bodies = new ArrayList<>();
        for (JsonNode item : JSON.readTree(batch.body()).get("heartbeats")) {
            bodies.add(new String(java.util.Base64.getDecoder().decode(item.get("body").asString()),
                    StandardCharsets.UTF_8));
        }
        return bodies;
    }

}
