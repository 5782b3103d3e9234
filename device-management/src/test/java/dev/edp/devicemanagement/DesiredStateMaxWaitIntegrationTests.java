package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static dev.edp.devicemanagement.TestDevices.desiredState;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long-poll longer than {@code edp.device.long-poll.max-wait} is clamped to it, never
 * refused and never held past it: E3 derives its response timeout from the same setting
 * (plus a margin), so a device asking for 50 s gets its 304 before E3 would answer 504.
 * Here the maximum is 1 s.
 */
@EdpServiceTest
@TestPropertySource(properties = "edp.device.long-poll.max-wait=1s")
class DesiredStateMaxWaitIntegrationTests {

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aLongerWaitIsClampedToTheMaximum() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = api.registerDevice(customer, "edge-clamped");
        jdbc.sql("UPDATE device SET lifecycle = 'ACTIVE' WHERE id = :id").param("id", device).update();
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
