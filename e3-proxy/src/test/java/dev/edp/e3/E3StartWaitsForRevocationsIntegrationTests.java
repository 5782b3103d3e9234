package dev.edp.e3;

import java.net.http.HttpResponse;

import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.pki.TestPki;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * E3 (re)started while its CRL source does not answer yet (onboarding still starting, or
 * busy): E3's device port opens only once the first CRL is loaded, so the first device
 * request after the start is decided, not refused with 503
 * {@code DEVICE_TRUST_UNAVAILABLE} (a platform fault test saw 74 of those after E3's
 * restart). Here the CRL source refuses its first {@value #REFUSALS} requests, one per
 * refresh interval (200 ms).
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "management.server.port=0",
        "eureka.client.enabled=false", "edp.e3.crl-refresh-interval=200ms", "edp.e3.start-wait-for-revocations=60s" })
class E3StartWaitsForRevocationsIntegrationTests {

    static final int REFUSALS = 10;

    static final String CRL_PATH = "/onboarding/api/v1/crl.pem";

    static final StubBackend crlSource = StubBackend.start();

    static final StubBackend monitoring = StubBackend.start();

    static {
        Answer[] answers = new Answer[REFUSALS + 1];
        for (int index = 0; index < REFUSALS; index++) {
            answers[index] = new Answer(503, "application/problem+json", "{\"status\":503}", 0);
        }
        answers[REFUSALS] = new Answer(200, "application/pkix-crl", TestPki.pem(E3FailClosedIntegrationTests.crl()), 0);
        crlSource.script(CRL_PATH, answers);
    }

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        E3IntegrationTestSupport.registerWithCrlFrom(registry, monitoring, crlSource, CRL_PATH);
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void theFirstDeviceRequestAfterTheStartIsDecidedNotRefusedForWantOfACrl() {
        assertThat(crlSource.calls(CRL_PATH)).as("CRL requests before the device port opened").isGreaterThan(REFUSALS);
        HttpResponse<String> first = E3IntegrationTestSupport.firstHeartbeatOfANewDevice(port);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    }

}
