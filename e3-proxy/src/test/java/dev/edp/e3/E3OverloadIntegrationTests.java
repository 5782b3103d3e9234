package dev.edp.e3;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.edp.e3.E3IntegrationTestSupport.SlowBackends;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.e3.E3IntegrationTestSupport.DESIRED_STATE;
import static dev.edp.e3.E3IntegrationTestSupport.SLOW_REPORT;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.e3.E3IntegrationTestSupport.getAsyncAsNewDevice;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Overload at E3 with bounds small enough to reach in a test: two long-polls in flight on
 * the desired-state route ({@code edp.e3.in-flight.long-poll=2}), a 2-second response
 * timeout on ordinary routes. Every device is a fresh one, so the per-device rate limit
 * never interferes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false", "edp.e3.in-flight.long-poll=2",
                "spring.cloud.gateway.server.webflux.httpclient.response-timeout=2s",
                "edp.device.long-poll.max-wait=50s" })
class E3OverloadIntegrationTests extends E3ServerTests {

    static final String FAST_REPORT = "/monitoring/api/v1/monitoring/container";

    /**
     * Holds every long-poll for 40 s: longer than any step of the test that needs them
     * held; answers the slow path after 6 s, three times the response timeout.
     */
    static final SlowBackends backends = SlowBackends.answeringAfter(40_000, 6_000);

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        backends.register(registry);
    }

    CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return getAsyncAsNewDevice(url(path));
    }

    @Test
    void beyondTheRoutesBoundE3Answers503RetryAfterAtOnceWhileOtherRoutesAnswer() {
        List<CompletableFuture<HttpResponse<String>>> held = List.of(getAsync(DESIRED_STATE + "?wait=45"),
                getAsync(DESIRED_STATE + "?wait=45"));
        Instant deadline = Instant.now().plusSeconds(60);
        while (backends.devices().calls(DESIRED_STATE) < 2) {
            assertThat(Instant.now()).as("both long-polls reach device-management").isBefore(deadline);
            pause();
        }

        HttpResponse<String> refused = get(newDevice(), url(DESIRED_STATE + "?wait=45"));
        assertProblem(refused, 503, "BACKEND_BUSY");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        // Answered while both long-polls were still held: refused at once, not queued
        // behind them, and never passed on to the backend.
        assertThat(held).noneMatch(CompletableFuture::isDone);
        assertThat(backends.devices().calls(DESIRED_STATE)).isEqualTo(2);

        // The busy route is its own: another service's route answers meanwhile.
        HttpResponse<String> other = get(newDevice(), url(FAST_REPORT));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(held).noneMatch(CompletableFuture::isDone);
    }

    @Test
    void aSlowBackendNeverOpensTheRoutesCircuitBreaker() {
        // Twelve timeouts: more than the breaker's minimum number of calls (10), all
        // failing - with timeouts counted, the breaker would open and refuse every device
        // on the route for 10 s.
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            slow.add(getAsync(SLOW_REPORT));
        }
        for (CompletableFuture<HttpResponse<String>> response : slow) {
            HttpResponse<String> timedOut = response.join();
            assertThat(timedOut.statusCode()).as(timedOut.body()).isEqualTo(504);
        }
        HttpResponse<String> fast = get(newDevice(), url(FAST_REPORT));
        assertThat(fast.statusCode()).as(fast.body()).isEqualTo(200);
    }

    static void pause() {
        try {
            Thread.sleep(50);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

}
