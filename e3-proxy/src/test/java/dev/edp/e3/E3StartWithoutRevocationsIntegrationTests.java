package dev.edp.e3;

import java.net.http.HttpResponse;

import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * E3 started while its CRL source never answers: the start waits only
 * {@code start-wait-for-revocations} (here 1 s) and E3 opens anyway, failing closed on
 * device routes (503 {@code DEVICE_TRUST_UNAVAILABLE} with {@code Retry-After}) until a
 * CRL can be fetched; it never hangs.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "management.server.port=0",
        "eureka.client.enabled=false", "edp.e3.crl-refresh-interval=200ms", "edp.e3.start-wait-for-revocations=1s" })
class E3StartWithoutRevocationsIntegrationTests {

    static final String CRL_PATH = "/onboarding/api/v1/crl.pem";

    static final StubBackend crlSource = StubBackend.start()
        .script(CRL_PATH, new Answer(503, "application/problem+json", "{\"status\":503}", 0));

    static final StubBackend monitoring = StubBackend.start();

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        E3IntegrationTestSupport.registerWithCrlFrom(registry, monitoring, crlSource, CRL_PATH);
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void withoutACrlWithinTheWaitE3OpensAndFailsClosedOnDeviceRoutes() {
        HttpResponse<String> refused = E3IntegrationTestSupport.firstHeartbeatOfANewDevice(port);
        assertProblem(refused, 503, "DEVICE_TRUST_UNAVAILABLE");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(monitoring.received()).as("nothing reached the backend").isEmpty();
    }

}
