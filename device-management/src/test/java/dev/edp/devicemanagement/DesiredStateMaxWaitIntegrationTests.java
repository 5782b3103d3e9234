package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static dev.edp.devicemanagement.TestDevices.desiredState;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long-poll longer than {@code edp.device.long-poll.max-wait} is clamped to it, never
 * refused and never held past it: E3 derives its response timeout from the same setting
 * (plus a margin), so a device asking for 50 s gets its 304 before E3 would answer 504.
 * Here the maximum is 1 s.
 */
@TestPropertySource(properties = "edp.device.long-poll.max-wait=1s")
class DesiredStateMaxWaitIntegrationTests extends AbstractApiIntegrationTests {

    @Test
    void aLongerWaitIsClampedToTheMaximum() {
        UUID device = activeDevice(customer, "edge-clamped");
        String etag = Api.etag(desiredState(checks.baseUrl(), device, customer, null, 0));

        long start = System.nanoTime();
        HttpResponse<String> waited = desiredState(checks.baseUrl(), device, customer, etag, 50);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited.statusCode()).as(waited.body()).isEqualTo(304);
        assertThat(Api.etag(waited)).isEqualTo(etag);
        // Held for the maximum (1 s, answered after it plus the 1 s grace), far from the
        // 50 s asked for.
        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(15));
    }

}
