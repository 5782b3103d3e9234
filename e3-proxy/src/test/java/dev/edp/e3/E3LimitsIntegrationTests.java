package dev.edp.e3;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;

import dev.edp.e3.E3IntegrationTestSupport.SlowBackends;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.e3.E3IntegrationTestSupport.DESIRED_STATE;
import static dev.edp.e3.E3IntegrationTestSupport.SLOW_REPORT;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * E3's limits with settings small enough to reach in a test, whatever the machine's
 * speed:
 * <ul>
 * <li>a token bucket of 3 that refills one token in about 17 minutes, so the fourth
 * request of a device is refused even if each request takes seconds;</li>
 * <li>a 3-second response timeout for ordinary routes but, for the desired-state route, a
 * 4-second long-poll maximum ({@code edp.device.long-poll.max-wait}: the one setting that
 * also tells device-management how long it may hold a long-poll) plus the default
 * 10-second margin.</li>
 * </ul>
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "management.server.port=0",
        "eureka.client.enabled=false", "edp.e3.rate-limit.capacity=3", "edp.e3.rate-limit.refill-per-second=0.001",
        "spring.cloud.gateway.server.webflux.httpclient.response-timeout=3s", "edp.device.long-poll.max-wait=4s" })
class E3LimitsIntegrationTests extends E3ServerTests {

    /**
     * Answers a long-poll as device-management does once the (clamped) wait is over:
     * after 5 s; monitoring answers the slow path after 5 s too.
     */
    static final SlowBackends backends = SlowBackends.answeringAfter(5_000, 5_000);

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        backends.register(registry);
    }

    @Test
    void aDeviceBeyondItsBucketGets429WithRetryAfter() {
        HttpClient device = newDevice();
        for (int i = 0; i < 3; i++) {
            assertThat(get(device, url("/monitoring/api/v1/monitoring/container")).statusCode()).isNotEqualTo(429);
        }
        HttpResponse<String> limited = get(device, url("/monitoring/api/v1/monitoring/container"));
        assertProblem(limited, 429, "TOO_MANY_REQUESTS");
        assertThat(limited.headers().firstValue("Retry-After"))
            .hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isGreaterThan(60));
        // The bucket is the device's: another device is not affected.
        assertThat(get(newDevice(), url("/monitoring/api/v1/monitoring/container")).statusCode()).isNotEqualTo(429);
    }

    @Test
    void longPollHeldUpToTheMaximumWaitIsServedWhileOtherRoutesTimeOut() {
        // A device asking for 50 s: device-management holds it for at most max-wait (the
        // stub answers after 5 s), and E3 waits max-wait + margin (14 s) instead of the
        // 3-second response timeout.
        HttpResponse<String> longPoll = get(newDevice(), url(DESIRED_STATE + "?wait=50"));
        assertThat(longPoll.statusCode()).as(longPoll.body()).isEqualTo(304);
        assertThat(backends.devices().received())
            .anySatisfy(r -> assertThat(r.pathAndQuery()).isEqualTo(DESIRED_STATE + "?wait=50"));
        // The same delay on an ordinary route is a gateway timeout: the long-poll's
        // timeout is its own.
        assertThat(get(newDevice(), url(SLOW_REPORT)).statusCode()).isEqualTo(504);
    }

}
