package dev.edp.e3;

import java.net.http.HttpResponse;

import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.pki.TestPki;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * E3 (re)started while its CRL source does not answer (onboarding still starting, or
 * busy): E3's device port opens only once the first CRL is loaded, so the first device
 * request after the start is decided, not refused with 503
 * {@code DEVICE_TRUST_UNAVAILABLE} (a platform fault test saw 74 of those after E3's
 * restart); and a CRL that never comes delays the start only by
 * {@code start-wait-for-revocations}. One CRL source, a path per case, polled every 200
 * ms.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false", "edp.e3.crl-refresh-interval=200ms" })
class E3StartWithoutACrlIntegrationTests {

    static final int REFUSALS = 10;

    /** Refuses its first {@value #REFUSALS} requests, then serves the CRL. */
    static final String LATE_CRL = "/late/crl.pem";

    /** Always refuses. */
    static final String NO_CRL = "/never/crl.pem";

    static final StubBackend crlSource = StubBackend.start()
        .script(NO_CRL, new Answer(503, "application/problem+json", "{\"status\":503}", 0));

    static {
        Answer[] answers = new Answer[REFUSALS + 1];
        for (int index = 0; index < REFUSALS; index++) {
            answers[index] = new Answer(503, "application/problem+json", "{\"status\":503}", 0);
        }
        answers[REFUSALS] = new Answer(200, "application/pkix-crl", TestPki.pem(E3FailClosedIntegrationTests.crl()), 0);
        crlSource.script(LATE_CRL, answers);
    }

    @Nested
    @TestPropertySource(properties = "edp.e3.start-wait-for-revocations=60s")
    class CrlAnsweringLate extends E3ServerTests {

        @DynamicPropertySource
        static void e3(DynamicPropertyRegistry registry) {
            E3IntegrationTestSupport.registerWithCrlFrom(registry, StubBackend.start(), crlSource, LATE_CRL);
        }

        @Test
        void theFirstDeviceRequestAfterTheStartIsDecidedNotRefusedForWantOfACrl() {
            assertThat(crlSource.calls(LATE_CRL)).as("CRL requests before the device port opened")
                .isGreaterThan(REFUSALS);
            HttpResponse<String> first = E3IntegrationTestSupport.firstHeartbeatOfANewDevice(port);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        }

    }

    @Nested
    @TestPropertySource(properties = "edp.e3.start-wait-for-revocations=1s")
    class CrlNeverAnswering extends E3ServerTests {

        static final StubBackend monitoring = StubBackend.start();

        @DynamicPropertySource
        static void e3(DynamicPropertyRegistry registry) {
            E3IntegrationTestSupport.registerWithCrlFrom(registry, monitoring, crlSource, NO_CRL);
        }

        @Test
        void withoutACrlWithinTheWaitE3OpensAndFailsClosedOnDeviceRoutes() {
            HttpResponse<String> refused = E3IntegrationTestSupport.firstHeartbeatOfANewDevice(port);
            assertProblem(refused, 503, "DEVICE_TRUST_UNAVAILABLE");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(monitoring.received()).as("nothing reached the backend").isEmpty();
        }

    }

}
