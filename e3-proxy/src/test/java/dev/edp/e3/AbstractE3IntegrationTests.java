package dev.edp.e3;

import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.security.WithTestJwtIssuer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One E3 with TLS, file-based trust anchors and CRL, and stub backends, shared by the
 * integration tests. Its management port trusts
 * {@link dev.edp.test.security.TestJwtIssuer}'s tokens. E3 believes it runs on
 * Kubernetes, where Boot would honour {@code X-Forwarded-For} unless told not to.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.enabled=false",
                "spring.main.cloud-platform=kubernetes", "edp.e3.rate-limit.capacity=20",
                "edp.e3.rate-limit.refill-per-second=5", "edp.e3.max-request-size=64KB" })
abstract class AbstractE3IntegrationTests extends E3ServerTests {

    static final StubBackend onboarding = StubBackend.start()
        .script("/onboarding/health", new Answer(204, null, null, 0));
    static final StubBackend monitoring = StubBackend.start()
        .script("/monitoring/api/v1/monitoring/container", new Answer(202, null, null, 0));
    static final StubBackend devices = StubBackend.start();

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        E3IntegrationTestSupport.register(registry, onboarding, monitoring, devices);
    }

    @Value("${local.management.port}")
    int managementPort;

    String management(String path) {
        return "http://localhost:" + managementPort + path;
    }

}
