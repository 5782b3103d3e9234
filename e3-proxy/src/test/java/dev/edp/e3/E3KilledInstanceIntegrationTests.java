package dev.edp.e3;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.e3.E3IntegrationTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of each backend, one of them killed (its port refuses connections) but
 * still listed, as in the registry until its lease expires: every device request reaches
 * the surviving instance, POSTs too, because a refused connection sent nothing and is
 * tried on the next instance; and each POST reaches it exactly once.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "management.server.port=0",
        "eureka.client.enabled=false", "edp.e3.rate-limit.capacity=200", "edp.e3.rate-limit.refill-per-second=100" })
class E3KilledInstanceIntegrationTests {

    static final String HEARTBEAT = "/monitoring/api/v1/heartbeat";
    static final String DESIRED_STATE = "/devices/api/v1/device/desired-state";
    static final StubBackend monitoring = StubBackend.start().script(HEARTBEAT, new Answer(202, null, null, 0));
    static final StubBackend devices = StubBackend.start();
    static final int killed = StubBackend.closedPort();

    static final int CONCURRENT_DEVICES = 60;

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        String dead = "http://127.0.0.1:" + killed;
        registry.add("spring.cloud.discovery.client.simple.instances.monitoring[0].uri", () -> dead);
        registry.add("spring.cloud.discovery.client.simple.instances.monitoring[1].uri", monitoring::url);
        registry.add("spring.cloud.discovery.client.simple.instances.device-management[0].uri", () -> dead);
        registry.add("spring.cloud.discovery.client.simple.instances.device-management[1].uri", devices::url);
        registry.add("spring.cloud.discovery.client.simple.instances.onboarding[0].uri", monitoring::url);
        E3IntegrationTestSupport.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void everyRequestReachesTheSurvivingInstanceOnceWhileTheKilledOneIsStillListed() {
        HttpClient device = client(PKI.device(UUID.randomUUID(), UUID.randomUUID()).sslContext(PKI.root()));
        int heartbeatsBefore = monitoring.calls(HEARTBEAT);
        int pollsBefore = devices.calls(DESIRED_STATE);
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> heartbeat = send(device, "POST", "https://localhost:" + port + HEARTBEAT,
                    "{\"n\":" + i + "}", Map.of("Content-Type", "application/json"));
            assertThat(heartbeat.statusCode()).as(heartbeat.body()).isEqualTo(202);
            assertThat(get(device, "https://localhost:" + port + DESIRED_STATE).statusCode()).isEqualTo(200);
        }
        assertThat(monitoring.calls(HEARTBEAT) - heartbeatsBefore).as("each POST once, none lost").isEqualTo(20);
        assertThat(monitoring.received()
            .stream()
            .filter(request -> request.pathAndQuery().equals(HEARTBEAT))
            .map(StubBackend.Received::body)).doesNotHaveDuplicates();
        assertThat(devices.calls(DESIRED_STATE) - pollsBefore).isEqualTo(20);
    }

    /**
     * Many devices at once, as when the devices of a killed instance all come back: each
     * request whose connection the dead instance refuses is retried, and the retry must
     * not land on it again. Before the load balancer skipped such an instance, a retry
     * asked the round robin again, whose position every other request moved, and some
     * requests met the dead instance on every try and got E3's 503 fallback.
     */
    @Test
    void concurrentRequestsAllReachTheSurvivingInstanceOnceWhileTheKilledOneIsStillListed() {
        int before = monitoring.calls(HEARTBEAT);
        List<CompletableFuture<HttpResponse<String>>> heartbeats = new ArrayList<>();
        for (int i = 0; i < CONCURRENT_DEVICES; i++) {
            HttpClient device = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(PKI.device(UUID.randomUUID(), UUID.randomUUID()).sslContext(PKI.root()))
                .connectTimeout(Duration.ofSeconds(60))
                .build();
            heartbeats.add(device.sendAsync(HttpRequest.newBuilder(URI.create("https://localhost:" + port + HEARTBEAT))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"concurrent\":" + i + "}"))
                .build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> heartbeat : heartbeats) {
            HttpResponse<String> answer = heartbeat.join();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }
        assertThat(monitoring.calls(HEARTBEAT) - before).as("each POST once, none lost").isEqualTo(CONCURRENT_DEVICES);
        assertThat(monitoring.received()
            .stream()
            .filter(request -> request.pathAndQuery().equals(HEARTBEAT))
            .map(StubBackend.Received::body)).doesNotHaveDuplicates();
    }

}
