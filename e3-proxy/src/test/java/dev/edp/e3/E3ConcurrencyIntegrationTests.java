package dev.edp.e3;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.edp.test.http.StubBackend.Answer;
import org.junit.jupiter.api.Test;

import static dev.edp.e3.E3IntegrationTestSupport.getAsyncAsNewDevice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * E3's only bound on the calls in flight to a backend is its own, explicit one
 * ({@code edp.e3.in-flight.per-route}, 512). Spring Cloud CircuitBreaker's Resilience4j
 * bulkhead, on by default, used to add a hidden second one of 25 per route: the 26th
 * concurrent report of a fleet got 503 from E3's fallback although the backend had room
 * (seen when the devices of a killed device-management instance all came back at once).
 */
class E3ConcurrencyIntegrationTests extends AbstractE3IntegrationTests {

    static final String SLOW_REPORT = "/monitoring/api/v1/monitoring/slow";

    /** More than the hidden bulkhead's 25. */
    static final int CONCURRENT = 30;

    @Test
    void moreConcurrentCallsThanResilience4jsDefaultBulkheadAllReachTheBackend() throws InterruptedException {
        // Holds each report long enough for all of them to be in flight at once.
        monitoring.script(SLOW_REPORT, new Answer(200, "application/json", "{}", 15_000));
        List<CompletableFuture<HttpResponse<String>>> reports = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            reports.add(getAsyncAsNewDevice(url(SLOW_REPORT)));
        }
        Instant deadline = Instant.now().plusSeconds(60);
        while (monitoring.calls(SLOW_REPORT) < CONCURRENT) {
            List<HttpResponse<String>> answered = reports.stream()
                .filter(CompletableFuture::isDone)
                .map(CompletableFuture::join)
                .toList();
            assertThat(answered).as("answered before every report reached the backend").isEmpty();
            assertThat(Instant.now()).as("all %d reports reach the backend", CONCURRENT).isBefore(deadline);
            Thread.sleep(50);
        }
        for (CompletableFuture<HttpResponse<String>> report : reports) {
            HttpResponse<String> answer = report.join();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
    }

}
