package dev.edp.platform.security;

import java.net.http.HttpResponse;
import java.util.UUID;

import dev.edp.test.security.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A servlet service whose Keycloak is down when the first token arrives: the token cannot
 * be checked, which is no fault of the caller. Spring Security rethrows that failure, and
 * the request used to end as a 500.
 */
@SpringBootTest(classes = ServletSecurityTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "eureka.client.enabled=false", "spring.cloud.discovery.enabled=false",
                "management.server.port=0", "spring.application.name=security-test",
                "edp.service.api-prefix=/api/test" })
class IdentityProviderUnavailableTests {

    static final TestRealm realm = TestRealm.start();

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", realm::issuer);
    }

    @AfterAll
    static void stop() {
        realm.close();
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void aTokenThatCannotBeCheckedIsA503ProblemWithRetryAfterAndAnsweredOnceKeycloakIsBack() throws Exception {
        String url = "http://localhost:" + port + "/api/test/v1/things";
        String token = realm.token("olga", UUID.randomUUID(), "operator");
        realm.cut();

        HttpResponse<String> response = send("GET", url, null, null, token);

        assertProblem(response, 503, "IDENTITY_PROVIDER_UNAVAILABLE");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(response.body()).contains("the access token cannot be checked")
            .doesNotContain("Exception", "at dev.", "at org.");

        realm.restore();
        assertThat(send("GET", url, null, null, token).statusCode()).isEqualTo(200);
        // A token that is really invalid is still a 401.
        assertProblem(send("GET", url, null, null, realm.tokenOfUnknownKey("eve")), 401, "UNAUTHORIZED");
    }

}
