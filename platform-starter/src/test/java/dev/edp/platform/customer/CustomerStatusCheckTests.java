package dev.edp.platform.customer;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import dev.edp.test.time.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A servlet service with the starter's customer check, asking a real HTTP server that
 * stands in for masterdata, found through the (simple) discovery client as Eureka would
 * find it. The cache reads the application's clock, which stands still until a test moves
 * it past the TTL or the pause after a failure: no test depends on how fast the machine
 * is.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "eureka.client.enabled=false", "management.server.port=0",
                "spring.application.name=customer-check-test", "edp.customer-status.cache-ttl=30s",
                "edp.customer-status.retry-after-failure=5s" })
class CustomerStatusCheckTests {

    static final Duration TTL = Duration.ofSeconds(30);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    static final UUID ACTIVE = UUID.randomUUID();
    static final UUID DEACTIVATED = UUID.randomUUID();
    static final UUID UNKNOWN = UUID.randomUUID();
    static final UUID FAILING = UUID.randomUUID();
    static final UUID GOES_DARK = UUID.randomUUID();
    static final UUID REFUSED_BY_MASTERDATA = UUID.randomUUID();

    static final StubBackend masterdata = StubBackend.start()
        .script(status(ACTIVE), json(200, ACTIVE, "ACTIVE"))
        .script(status(DEACTIVATED), json(200, DEACTIVATED, "DEACTIVATED"))
        .script(status(UNKNOWN),
                new Answer(404, "application/problem+json", "{\"status\":404,\"code\":\"NOT_FOUND\"}", 0))
        .script(status(FAILING), new Answer(503, "application/problem+json", "{\"status\":503}", 0),
                json(200, FAILING, "DEACTIVATED"))
        .script(status(GOES_DARK), json(200, GOES_DARK, "DEACTIVATED"),
                new Answer(503, "application/problem+json", "{\"status\":503}", 0))
        .script(status(REFUSED_BY_MASTERDATA),
                new Answer(403, "application/problem+json", "{\"status\":403,\"code\":\"CUSTOMER_DEACTIVATED\"}", 0));

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.masterdata[0].uri", masterdata::url);
    }

    @AfterAll
    static void stop() {
        masterdata.close();
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    TestClock clock;

    @Test
    void activeCustomersCallerPassesAndMasterdataSeesTheCallersOwnToken() {
        String token = TestJwtIssuer.token("olga", ACTIVE, "operator");
        HttpResponse<String> response = call(token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(masterdata.received()
            .stream()
            .filter(r -> r.pathAndQuery().equals(status(ACTIVE)))
            .findFirst()
            .orElseThrow()
            .header("Authorization")).isEqualTo("Bearer " + token);
    }

    @Test
    void deactivatedCustomersCallerIsRefusedWithAProblem() {
        HttpResponse<String> response = call(TestJwtIssuer.token("vera", DEACTIVATED, "viewer"));
        assertProblem(response, 403, "CUSTOMER_DEACTIVATED");
        assertThat(response.body()).contains(DEACTIVATED.toString());
        // Whatever masterdata answered, the refusal is the same when masterdata itself
        // refused the caller.
        assertProblem(call(TestJwtIssuer.token("carl", REFUSED_BY_MASTERDATA, "customer-admin")), 403,
                "CUSTOMER_DEACTIVATED");
    }

    @Test
    void answerIsCachedPerCustomer() {
        UUID customer = UUID.randomUUID();
        masterdata.script(status(customer), json(200, customer, "ACTIVE"));
        assertThat(call(TestJwtIssuer.token("olga", customer, "operator")).statusCode()).isEqualTo(200);
        assertThat(call(TestJwtIssuer.token("otto", customer, "viewer")).statusCode()).isEqualTo(200);
        assertThat(masterdata.calls(status(customer))).isEqualTo(1);
    }

    @Test
    void cachedAnswerExpires() {
        UUID customer = UUID.randomUUID();
        masterdata.script(status(customer), json(200, customer, "ACTIVE"), json(200, customer, "DEACTIVATED"));
        String token = TestJwtIssuer.token("olga", customer, "operator");
        assertThat(call(token).statusCode()).isEqualTo(200);
        clock.advance(TTL.minusSeconds(1));
        assertThat(call(token).statusCode()).as("still cached").isEqualTo(200);
        assertThat(masterdata.calls(status(customer))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertProblem(call(token), 403, "CUSTOMER_DEACTIVATED");
        assertThat(masterdata.calls(status(customer))).isEqualTo(2);
    }

    @Test
    void platformAdminAndCallersWithoutCustomerAreNotChecked() {
        UUID customer = UUID.randomUUID();
        assertThat(call(TestJwtIssuer.token("root", customer, "platform-admin")).statusCode()).isEqualTo(200);
        assertThat(call(TestJwtIssuer.token("nobody", null, "operator")).statusCode()).isEqualTo(200);
        assertThat(masterdata.calls(status(customer))).isZero();
    }

    @Test
    void customerMasterdataDoesNotKnowIsNotRefused() {
        assertThat(call(TestJwtIssuer.token("bot", UNKNOWN, "operator")).statusCode()).isEqualTo(200);
    }

    @Test
    void failingMasterdataLetsCallersThroughAndIsAskedAgainAfterAPause() {
        String token = TestJwtIssuer.token("olga", FAILING, "operator");
        assertThat(call(token).statusCode()).isEqualTo(200);
        clock.advance(RETRY_AFTER_FAILURE.minusSeconds(1));
        assertThat(call(token).statusCode()).isEqualTo(200);
        assertThat(masterdata.calls(status(FAILING))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertProblem(call(token), 403, "CUSTOMER_DEACTIVATED");
        assertThat(masterdata.calls(status(FAILING))).isEqualTo(2);
    }

    @Test
    void knownDeactivationOutlivesAMasterdataOutage() {
        String token = TestJwtIssuer.token("vera", GOES_DARK, "viewer");
        assertProblem(call(token), 403, "CUSTOMER_DEACTIVATED");
        clock.advance(TTL);
        assertProblem(call(token), 403, "CUSTOMER_DEACTIVATED");
        assertThat(masterdata.calls(status(GOES_DARK))).isEqualTo(2);
    }

    @Test
    void publicPathsAndMissingTokensAreNotChecked() {
        int before = masterdata.received().size();
        assertProblem(send("GET", "http://localhost:" + port + "/api/test/v1/things", null, null), 401, "UNAUTHORIZED");
        assertThat(masterdata.received()).hasSize(before);
    }

    private HttpResponse<String> call(String token) {
        return send("GET", "http://localhost:" + port + "/api/test/v1/things", null, null, token);
    }

    static String status(UUID customer) {
        return "/api/masterdata/v1/customers/" + customer + "/status";
    }

    static Answer json(int status, UUID customer, String state) {
        return new Answer(status, "application/json", "{\"id\":\"" + customer + "\",\"status\":\"" + state + "\"}", 0);
    }

    @RestController
    static class ThingsController {

        @GetMapping("/api/test/v1/things")
        String list() {
            return "[]";
        }

    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ThingsController.class)
    static class App {

        @Bean
        TestClock clock() {
            return TestClock.startingNow();
        }

    }

}
