package dev.edp.e3;

import java.net.http.HttpResponse;

import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/** E3's routes to the device-facing backends (mTLS is not built yet: plain HTTP here). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false" })
class E3RoutingIntegrationTests {

    static final StubBackend onboarding = StubBackend.start()
            .script("/onboarding/health", new Answer(204, null, null, 0));
    static final StubBackend monitoring = StubBackend.start()
            .script("/monitoring/api/v1/monitoring/container", new Answer(202, null, null, 0));
    static final StubBackend devices = StubBackend.start();

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.onboarding[0].uri", onboarding::url);
        registry.add("spring.cloud.discovery.client.simple.instances.monitoring[0].uri", monitoring::url);
        registry.add("spring.cloud.discovery.client.simple.instances.device-management[0].uri", devices::url);
    }

    @AfterAll
    static void stop() {
        onboarding.close();
        monitoring.close();
        devices.close();
    }

    @Value("${local.server.port}")
    int port;

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void onboardingHealthAndEstGoToOnboarding() {
        assertThat(send("GET", url("/onboarding/health"), null, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", url("/.well-known/est/cacerts"), null, null).statusCode()).isEqualTo(200);
        assertThat(onboarding.calls("/.well-known/est/cacerts")).isEqualTo(1);
    }

    @Test
    void containerReportGoesToMonitoring() {
        HttpResponse<String> response = send("POST", url("/monitoring/api/v1/monitoring/container"),
                "application/json", "{}");
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(monitoring.received()).anySatisfy(request -> assertThat(request.body()).isEqualTo("{}"));
    }

    @Test
    void desiredStateGoesToDeviceManagement() {
        assertThat(send("GET", url("/devices/api/v1/device/desired-state"), null, null).statusCode()).isEqualTo(200);
        assertThat(devices.calls("/devices/api/v1/device/desired-state")).isEqualTo(1);
    }

    @Test
    void operatorApisAreNotReachableThroughTheDeviceEndpoint() {
        assertProblem(send("GET", url("/api/masterdata/v1/customers"), null, null), 404, "NOT_FOUND");
        assertProblem(send("GET", url("/api/devices/v1/devices"), null, null), 404, "NOT_FOUND");
    }
}
