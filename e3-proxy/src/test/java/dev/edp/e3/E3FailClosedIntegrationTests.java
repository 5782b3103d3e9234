package dev.edp.e3;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.pki.TestPki;
import dev.edp.test.pki.TestPki.Credential;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.e3.E3IntegrationTestSupport.noCertificate;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CRL that cannot be refreshed: it comes over real HTTP from a stub that can be
 * switched off. With {@code revocation-stale-after} 300 ms the CRL is soon stale, which
 * health and metrics say while devices keep passing (the last CRL decides); with
 * {@code revocation-max-age} 10 s protected routes then answer 503 problems, health and
 * metrics say so, onboarding keeps working, and traffic passes again once the CRL can be
 * fetched.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false", "edp.e3.revocation-stale-after=300ms",
                "edp.e3.revocation-max-age=10s", "edp.e3.crl-refresh-interval=200ms" })
class E3FailClosedIntegrationTests {

    static final String CRL_PATH = "/onboarding/api/v1/crl.pem";
    static final StubBackend crlSource = StubBackend.start();
    static final StubBackend onboarding = StubBackend.start()
        .script("/onboarding/health", new Answer(204, null, null, 0));
    static final StubBackend monitoring = StubBackend.start();

    static {
        crlOn();
    }

    static void crlOn() {
        crlSource.script(CRL_PATH, new Answer(200, "application/pkix-crl", TestPki.pem(crl()), 0));
    }

    static void crlOff() {
        crlSource.script(CRL_PATH, new Answer(503, "application/problem+json", "{\"status\":503}", 0));
    }

    static java.security.cert.X509CRL crl() {
        try {
            return (java.security.cert.X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCRL(new java.io.ByteArrayInputStream(PKI.crl()));
        }
        catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.onboarding[0].uri", onboarding::url);
        registry.add("spring.cloud.discovery.client.simple.instances.monitoring[0].uri", monitoring::url);
        E3IntegrationTestSupport.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("edp.e3.crl-url", () -> crlSource.url() + CRL_PATH);
    }

    @Value("${local.server.port}")
    int port;

    @Value("${local.management.port}")
    int managementPort;

    static <T> T eventually(Supplier<T> probe, java.util.function.Predicate<T> done) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(45));
        T value = probe.get();
        while (!done.test(value) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            value = probe.get();
        }
        return value;
    }

    /**
     * Health details need the platform's service token (anonymous callers see the status
     * only).
     */
    String management(String path) {
        return ServiceSmokeChecks
            .send("GET", "http://localhost:" + managementPort + path, null, null, TestJwtIssuer.serviceToken())
            .body();
    }

    @Test
    void staleCrlIsAlertedThenClosesProtectedRoutesAtTheMaximumAgeKeepsOnboardingOpenAndRecovers() throws Exception {
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        var deviceClient = client(device.sslContext(PKI.root()));
        String heartbeat = "https://localhost:" + port + "/monitoring/api/v1/monitoring/heartbeat";
        assertThat(eventually(() -> get(deviceClient, heartbeat).statusCode(), status -> status == 200)).isEqualTo(200);

        crlOff();
        String stale = eventually(() -> management("/actuator/health"), body -> body.contains("\"crlStale\":true"));
        assertThat(JsonPath.<Boolean>read(stale, "$.components.deviceTrust.details.crlStale")).isTrue();
        assertThat(JsonPath.<String>read(stale, "$.components.deviceTrust.status")).as("stale is not down")
            .isEqualTo("UP");
        assertThat(management("/actuator/prometheus")).containsPattern("edp_e3_crl_stale(\\{[^}]*})? 1\\.0");
        assertThat(get(deviceClient, heartbeat).statusCode()).as("the last CRL still decides").isEqualTo(200);

        HttpResponse<String> refused = eventually(() -> get(deviceClient, heartbeat), r -> r.statusCode() == 503);

        assertProblem(refused, 503, "DEVICE_TRUST_UNAVAILABLE");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        String health = management("/actuator/health");
        assertThat(JsonPath.<String>read(health, "$.components.deviceTrust.status")).isEqualTo("DOWN");
        assertThat(JsonPath.<Boolean>read(health, "$.components.deviceTrust.details.failClosed")).isTrue();
        assertThat(management("/actuator/prometheus")).containsPattern("edp_e3_fail_closed(\\{[^}]*})? 1\\.0");
        assertThat(management("/actuator/prometheus"))
            .containsPattern("edp_e3_refused_total\\{[^}]*reason=\"trust-unavailable\"");
        assertThat(get(noCertificate(), "https://localhost:" + port + "/onboarding/health").statusCode())
            .as("onboarding stays open while device routes fail closed")
            .isEqualTo(204);

        crlOn();
        assertThat(eventually(() -> get(deviceClient, heartbeat).statusCode(), status -> status == 200)).isEqualTo(200);
        assertThat(JsonPath.<String>read(management("/actuator/health"), "$.components.deviceTrust.status"))
            .isEqualTo("UP");
        assertThat(management("/actuator/prometheus")).containsPattern("edp_e3_fail_closed(\\{[^}]*})? 0\\.0");
        assertThat(management("/actuator/prometheus")).containsPattern("edp_e3_crl_stale(\\{[^}]*})? 0\\.0");
    }

}
