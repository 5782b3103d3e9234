package dev.edp.platform.security;

import java.net.http.HttpResponse;
import java.util.UUID;

import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/** A servlet service with the starter's security, verifying real signed tokens. */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "eureka.client.enabled=false", "spring.cloud.discovery.enabled=false",
                "management.server.port=0", "spring.application.name=security-test",
                "edp.service.api-prefix=/api/test" })
class ServletSecurityTests {

    static final UUID CUSTOMER_A = UUID.randomUUID();
    static final UUID CUSTOMER_B = UUID.randomUUID();

    @Value("${local.server.port}")
    int port;

    @Value("${local.management.port}")
    int managementPort;

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void noTokenIs401ProblemWithBearerChallenge() {
        HttpResponse<String> response = send("GET", url("/api/test/v1/things"), null, null);
        assertProblem(response, 401, "UNAUTHORIZED");
        assertThat(response.headers().firstValue("WWW-Authenticate"))
            .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
    }

    @Test
    void forgedExpiredAndForeignTokensAre401() {
        for (String token : new String[] { TestJwtIssuer.forgedToken("mallory", CUSTOMER_A, "platform-admin"),
                TestJwtIssuer.expiredToken("olga", CUSTOMER_A, "operator"),
                TestJwtIssuer.foreignIssuerToken("olga", CUSTOMER_A, "operator"), "not-a-jwt" }) {
            assertProblem(send("GET", url("/api/test/v1/things"), null, null, token), 401, "UNAUTHORIZED");
        }
    }

    @Test
    void tokensThatAreNoAccessTokensForTheEdpApiAre401() {
        // The same user and roles pass with an access token for the EDP API.
        assertThat(
                send("GET", url("/api/test/v1/things"), null, null, TestJwtIssuer.token("olga", CUSTOMER_A, "operator"))
                    .statusCode())
            .isEqualTo(200);
        for (String token : new String[] { TestJwtIssuer.tokenWithoutAudience("olga", CUSTOMER_A, "operator"),
                TestJwtIssuer.tokenForAudience("another-client", "olga", CUSTOMER_A, "operator"),
                TestJwtIssuer.tokenOfType("ID", "olga", CUSTOMER_A, "operator"),
                TestJwtIssuer.tokenOfType("Refresh", "olga", CUSTOMER_A, "operator") }) {
            HttpResponse<String> response = send("GET", url("/api/test/v1/things"), null, null, token);
            assertProblem(response, 401, "UNAUTHORIZED");
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer").contains("invalid_token"));
        }
    }

    @Test
    void viewerReadsButCannotMutate() {
        String viewer = TestJwtIssuer.token("vera", CUSTOMER_A, "viewer");
        assertThat(send("GET", url("/api/test/v1/things"), null, null, viewer).statusCode()).isEqualTo(200);
        assertProblem(send("POST", url("/api/test/v1/things"), null, null, viewer), 403, "FORBIDDEN");
    }

    @Test
    void higherRolesIncludeLowerOnes() {
        assertThat(send("POST", url("/api/test/v1/things"), null, null,
                TestJwtIssuer.token("olga", CUSTOMER_A, "operator"))
            .statusCode()).isEqualTo(200);
        assertThat(send("POST", url("/api/test/v1/things"), null, null,
                TestJwtIssuer.token("carl", CUSTOMER_A, "customer-admin"))
            .statusCode()).isEqualTo(200);
        assertThat(send("POST", url("/api/test/v1/things"), null, null,
                TestJwtIssuer.token("root", null, "platform-admin"))
            .statusCode()).isEqualTo(200);
        assertProblem(send("POST", url("/api/test/v1/approvals"), null, null,
                TestJwtIssuer.token("olga", CUSTOMER_A, "operator")), 403, "FORBIDDEN");
        assertThat(send("POST", url("/api/test/v1/approvals"), null, null,
                TestJwtIssuer.token("carl", CUSTOMER_A, "customer-admin"))
            .statusCode()).isEqualTo(200);
    }

    @Test
    void hasRoleTakesARoleConstantAndTheHierarchy() {
        String url = url("/api/test/v1/releases");
        assertProblem(send("POST", url, null, null, TestJwtIssuer.token("vera", CUSTOMER_A, "viewer")), 403,
                "FORBIDDEN");
        assertThat(send("POST", url, null, null, TestJwtIssuer.token("olga", CUSTOMER_A, "operator")).statusCode())
            .isEqualTo(200);
        assertThat(send("POST", url, null, null, TestJwtIssuer.token("root", null, "platform-admin")).statusCode())
            .isEqualTo(200);
        // On a type it guards every method; the service role is outside the hierarchy.
        assertProblem(send("GET", url("/api/test/v1/internal/ping"), null, null,
                TestJwtIssuer.token("root", null, "platform-admin")), 403, "FORBIDDEN");
        assertThat(
                send("GET", url("/api/test/v1/internal/ping"), null, null, TestJwtIssuer.serviceToken()).statusCode())
            .isEqualTo(200);
    }

    @Test
    void anotherCustomersResourceIsNotFound() {
        String operatorOfA = TestJwtIssuer.token("olga", CUSTOMER_A, "operator");
        HttpResponse<String> own = send("GET", url("/api/test/v1/customers/" + CUSTOMER_A), null, null, operatorOfA);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("olga").contains(CUSTOMER_A.toString());
        assertProblem(send("GET", url("/api/test/v1/customers/" + CUSTOMER_B), null, null, operatorOfA), 404,
                "NOT_FOUND");
        assertThat(send("GET", url("/api/test/v1/customers/" + CUSTOMER_B), null, null,
                TestJwtIssuer.token("root", null, "platform-admin"))
            .statusCode()).isEqualTo(200);
    }

    @Test
    void userWithoutCustomerSeesNoCustomer() {
        assertProblem(send("GET", url("/api/test/v1/customers/" + CUSTOMER_A), null, null,
                TestJwtIssuer.token("nobody", null, "operator")), 404, "NOT_FOUND");
    }

    @Test
    void statusAndManagementPortNeedNoToken() {
        assertThat(send("GET", url("/api/test/v1/status"), null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "http://localhost:" + managementPort + "/actuator/health/readiness", null, null)
            .statusCode()).isEqualTo(200);
        assertThat(send("GET", "http://localhost:" + managementPort + "/actuator/prometheus", null, null).statusCode())
            .isEqualTo(200);
    }

    @RestController
    static class GuardedController {

        @GetMapping("/api/test/v1/things")
        String list() {
            return "[]";
        }

        @PostMapping("/api/test/v1/things")
        @PreAuthorize("hasRole('operator')")
        String create() {
            return "{}";
        }

        @PostMapping("/api/test/v1/approvals")
        @PreAuthorize("hasRole('customer-admin')")
        String approve() {
            return "{}";
        }

        @PostMapping("/api/test/v1/releases")
        @HasRole(EdpRoles.OPERATOR)
        String release() {
            return "{}";
        }

        @GetMapping("/api/test/v1/customers/{id}")
        String customer(@PathVariable UUID id, Tenant tenant) {
            tenant.requireAccess(id, "Customer " + id);
            return "{\"id\":\"" + id + "\",\"by\":\"" + tenant.username() + "\"}";
        }

    }

    @RestController
    @HasRole(EdpRoles.SERVICE)
    static class InternalController {

        @GetMapping("/api/test/v1/internal/ping")
        String ping() {
            return "{}";
        }

    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ GuardedController.class, InternalController.class })
    static class App {

    }

}
