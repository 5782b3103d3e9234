package dev.edp.platform.security;

import dev.edp.test.security.TestRealm;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
        ServiceSmokeChecks.assertTokensCannotBeCheckedWhileKeycloakIsDown(realm,
                "http://localhost:" + port + "/api/test/v1/things");
    }

}
