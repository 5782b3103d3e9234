package dev.edp.e3;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

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

}
