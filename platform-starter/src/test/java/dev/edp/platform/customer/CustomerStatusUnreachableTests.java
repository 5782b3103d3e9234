package dev.edp.platform.customer;

import java.util.UUID;

import dev.edp.test.http.StubBackend;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Masterdata registered but stopped (nothing listens on its port): the check fails open,
 * with a warning, and does not ask again on every request.
 */
@WithTestJwtIssuer
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false", "management.server.port=0", "spring.application.name=customer-check-down" })
class CustomerStatusUnreachableTests {

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        // Registered but stopped: nothing listens on the port.
        registry.add("spring.cloud.discovery.client.simple.instances.masterdata[0].uri",
                () -> "http://127.0.0.1:" + StubBackend.closedPort());
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void unreachableMasterdataLetsCallersThroughWithAWarning(CapturedOutput output) {
        UUID customer = UUID.randomUUID();
        String token = TestJwtIssuer.token("olga", customer, "operator");
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "http://localhost:" + port + "/api/test/v1/things", null, null, token).statusCode())
                .isEqualTo(200);
        }
        assertThat(output.getOut().lines().filter(line -> line.contains("Cannot check whether customer " + customer)))
            .hasSize(1)
            .allSatisfy(line -> assertThat(line).contains("WARN").contains("letting its callers through"));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(CustomerStatusCheckTests.ThingsController.class)
    static class App {

    }

}
