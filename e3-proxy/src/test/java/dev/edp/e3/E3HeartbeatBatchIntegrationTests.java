package dev.edp.e3;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.edp.platform.device.DeviceProof;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.security.WithTestJwtIssuer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;
import static dev.edp.e3.E3IntegrationTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeats reach monitoring in batches, each with what E3 would have forwarded with it
 * alone, and every device still gets monitoring's own answer: 202 when monitoring took it
 * in the batch, else whatever the heartbeat path answers it alone (a refusal, or 202 when
 * the batch failed). The stub monitoring stands in for the real one here; monitoring's
 * own tests check what it does with a batch, the system tests both together.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false",
                // One batch at a time, so a test can hold it and see what gathers
                // meanwhile.
                "edp.e3.heartbeat-batch.max-in-flight=1", "edp.e3.heartbeat-batch.timeout=60s" })
class E3HeartbeatBatchIntegrationTests extends E3ServerTests {

    static final int BATCH = 8;

    static final String HEARTBEAT = "/monitoring/api/v1/heartbeat";

    static final String BATCHES = "/api/monitoring/v1/internal/heartbeat-batches";

    static final JsonMapper JSON = JsonMapper.builder().build();

    static final StubBackend onboarding = StubBackend.start();

    static final StubBackend monitoring = StubBackend.start();

    static final StubBackend devices = StubBackend.start();

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        E3IntegrationTestSupport.register(registry, onboarding, monitoring, devices);
    }

    @Autowired
    MeterRegistry meters;

    Gauge pending;

    @BeforeEach
    void monitoringTakesEveryHeartbeatExceptThoseThatSayResend() {
        pending = meters.get("edp.e3.heartbeat.pending").gauge();
        monitoring.respond(BATCHES, E3HeartbeatBatchIntegrationTests::everyHeartbeatTakenExceptResend);
        monitoring.script(HEARTBEAT, new Answer(400, "application/problem+json",
                "{\"status\":400,\"code\":\"VALIDATION_FAILED\",\"title\":\"Invalid request\"}", 0));
    }

    static Answer everyHeartbeatTakenExceptResend(StubBackend.Received request) {
        List<String> results = new ArrayList<>();
        for (JsonNode item : JSON.readTree(request.body()).get("heartbeats")) {
            results.add(decode(item).contains("resend") ? "RESEND" : "ACCEPTED");
        }
        return new Answer(200, "application/json", JSON.writeValueAsString(Map.of("results", results)), 0);
    }

    static String decode(JsonNode item) {
        return new String(Base64.getDecoder().decode(item.get("body").asString()), StandardCharsets.UTF_8);
    }

    /** Heartbeats of new devices, all at once. */
    List<HttpResponse<String>> heartbeats(List<String> bodies) {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (String body : bodies) {
            HttpClient device = client(PKI.device(UUID.randomUUID(), UUID.randomUUID()).sslContext(PKI.root()));
            answers.add(device.sendAsync(HttpRequest.newBuilder(URI.create(url(HEARTBEAT)))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString()));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    List<StubBackend.Received> batchesSince(int before) {
        return monitoring.received()
            .stream()
            .filter(request -> request.pathAndQuery().startsWith(BATCHES))
            .skip(before)
            .toList();
    }

    int batchCount() {
        return batchesSince(0).size();
    }

    @Test
    void heartbeatsThatArriveWhileABatchIsOnItsWayGoTogetherInTheNextAndEachDeviceGets202() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        monitoring.respond(BATCHES, request -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return everyHeartbeatTakenExceptResend(request);
        });
        int batchesBefore = batchCount();
        int aloneBefore = monitoring.calls(HEARTBEAT);
        double answeredBefore = batches("answered");
        long servedBefore = served(202);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            bodies.add("{\"uptimeSeconds\":" + i + "}");
        }

        CompletableFuture<List<HttpResponse<String>>> first = CompletableFuture
            .supplyAsync(() -> heartbeats(bodies.subList(0, 1)));
        assertThat(E3FailClosedIntegrationTests.eventually(this::batchCount, count -> count > batchesBefore))
            .as("the first heartbeat's batch at monitoring")
            .isEqualTo(batchesBefore + 1);
        CompletableFuture<List<HttpResponse<String>>> others = CompletableFuture
            .supplyAsync(() -> heartbeats(bodies.subList(1, BATCH)));
        assertThat(E3FailClosedIntegrationTests.eventually(pending::value, waiting -> waiting == BATCH))
            .as("all heartbeats waiting at E3")
            .isEqualTo(BATCH);
        release.countDown();

        for (HttpResponse<String> answer : first.get(60, TimeUnit.SECONDS)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }
        for (HttpResponse<String> answer : others.get(60, TimeUnit.SECONDS)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }
        List<StubBackend.Received> batches = batchesSince(batchesBefore);
        assertThat(batches).as("the first alone, the rest together").hasSize(2);
        List<String> sent = new ArrayList<>();
        for (StubBackend.Received batch : batches) {
            assertThat(batch.pathAndQuery())
                .isEqualTo(BATCHES + "?" + DeviceProof.bodyQuery(batch.body().getBytes(StandardCharsets.UTF_8)));
            assertThat(batch.header(DeviceProof.HEADER)).as("E3's own proof for the batch").contains("cip=0.0.0.0;");
            for (JsonNode item : JSON.readTree(batch.body()).get("heartbeats")) {
                sent.add(decode(item));
                assertThat(item.get("credential").asString()).as("the device's credential").isNotBlank();
                assertThat(item.get("proof").asString()).as("the proof for the device's request")
                    .contains("cip=127.0.0.1;");
            }
        }
        assertThat(JSON.readTree(batches.get(1).body()).get("heartbeats")).hasSize(BATCH - 1);
        assertThat(sent).containsExactlyInAnyOrderElementsOf(bodies);
        assertThat(monitoring.calls(HEARTBEAT)).as("none routed alone").isEqualTo(aloneBefore);
        assertThat(batches("answered") - answeredBefore).isEqualTo(2);
        assertThat(served(202) - servedBefore).as("http.server.requests counts batched heartbeats as before")
            .isEqualTo(BATCH);
    }

    /** Requests E3 answered with this status, by {@code http.server.requests}. */
    long served(int status) {
        return meters.find("http.server.requests")
            .tag("status", Integer.toString(status))
            .timers()
            .stream()
            .mapToLong(io.micrometer.core.instrument.Timer::count)
            .sum();
    }

    double batches(String outcome) {
        return meters.get("edp.e3.heartbeat.batches").tag("outcome", outcome).counter().count();
    }

    double routedAlone() {
        return meters.get("edp.e3.heartbeat.routed.alone").counter().count();
    }

    @Test
    void aHeartbeatMonitoringHandsBackIsRoutedAloneAndItsDeviceGetsThatAnswer() {
        int aloneBefore = monitoring.calls(HEARTBEAT);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            bodies.add(i == 3 ? "{\"resend\":true}" : "{\"uptimeSeconds\":" + i + "}");
        }

        List<HttpResponse<String>> answers = heartbeats(bodies);

        for (int i = 0; i < BATCH; i++) {
            assertThat(answers.get(i).statusCode()).as(answers.get(i).body()).isEqualTo(i == 3 ? 400 : 202);
        }
        assertThat(answers.get(3).body()).contains("VALIDATION_FAILED");
        assertThat(monitoring.calls(HEARTBEAT) - aloneBefore).isOne();
        StubBackend.Received alone = monitoring.received()
            .stream()
            .filter(request -> request.pathAndQuery().equals(HEARTBEAT))
            .toList()
            .getLast();
        assertThat(alone.body()).isEqualTo("{\"resend\":true}");
        assertThat(alone.header(DeviceProof.CREDENTIAL_HEADER)).as("routed as before, with its credential")
            .isNotBlank();
    }

    @Test
    void whenTheBatchFailsEveryHeartbeatIsRoutedAlone() {
        monitoring.respond(BATCHES, request -> new Answer(500, null, null, 0));
        monitoring.script(HEARTBEAT, new Answer(202, null, null, 0));
        int aloneBefore = monitoring.calls(HEARTBEAT);
        double failedBefore = batches("failed");
        double routedAloneBefore = routedAlone();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            bodies.add("{\"uptimeSeconds\":" + (100 + i) + "}");
        }

        for (HttpResponse<String> answer : heartbeats(bodies)) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }

        assertThat(monitoring.calls(HEARTBEAT) - aloneBefore).isEqualTo(BATCH);
        assertThat(monitoring.received()
            .stream()
            .filter(request -> request.pathAndQuery().equals(HEARTBEAT))
            .map(StubBackend.Received::body)).containsAll(bodies);
        assertThat(batches("failed") - failedBefore).isPositive();
        assertThat(routedAlone() - routedAloneBefore).isEqualTo(BATCH);
    }

    @Test
    void heartbeatsThatAreNotPlainAreRoutedAloneAsBefore() {
        monitoring.script(HEARTBEAT, new Answer(202, null, null, 0));
        HttpClient device = newDevice();
        int batchesBefore = batchCount();
        int aloneBefore = monitoring.calls(HEARTBEAT);

        assertThat(send(device, "POST", url(HEARTBEAT + "?x=1"), "{}", Map.of()).statusCode()).isEqualTo(202);
        assertThat(send(device, "POST", url(HEARTBEAT), "{}", Map.of("Content-Type", "text/plain")).statusCode())
            .isEqualTo(202);
        assertThat(send(device, "POST", url(HEARTBEAT), "{}", Map.of("Content-Type", "application/json;charset=UTF-16"))
            .statusCode()).isEqualTo(202);

        assertThat(monitoring.calls(HEARTBEAT) - aloneBefore).isEqualTo(3);
        assertThat(batchCount()).isEqualTo(batchesBefore);
    }

    @Test
    void monitoringsBatchPathIsNotRoutedForDevices() {
        int before = monitoring.calls(BATCHES);

        HttpResponse<String> answer = send(newDevice(), "POST", url(BATCHES), "{\"heartbeats\":[]}", Map.of());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(404);
        assertThat(answer.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(monitoring.calls(BATCHES)).isEqualTo(before);
    }

}
