package dev.edp.gateway;

import dev.edp.test.http.StubBackend;
import dev.edp.test.postgres.WithPostgres;
import dev.edp.test.security.TestRealm;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway meets an API client's bearer token while Keycloak is down and the realm's
 * keys were never fetched: the token cannot be checked, which is no fault of the client.
 * Spring Security's reactive decoder reported that as an {@code IllegalStateException},
 * and the request ended as a 500.
 */
@WithPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "management.server.port=0",
        "eureka.client.enabled=false", "edp.portal.client-secret=test-secret" })
class GatewayIdentityProviderUnavailableIntegrationTests {

    static final TestRealm realm = TestRealm.start();

    static final StubBackend masterdata = StubBackend.start();

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", realm::issuer);
        registry.add("edp.portal.issuer-uri", realm::issuer);
        registry.add("spring.cloud.discovery.client.simple.instances.masterdata[0].uri", masterdata::url);
    }

    @AfterAll
    static void stop() {
        realm.close();
        masterdata.close();
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void aTokenThatCannotBeCheckedIsA503ProblemWithRetryAfterNeverRoutedAndAnsweredOnceKeycloakIsBack()
            throws Exception {
        ServiceSmokeChecks.assertTokensCannotBeCheckedWhileKeycloakIsDown(realm,
                "http://localhost:" + port + "/api/masterdata/v1/machines");

        assertThat(masterdata.received()).as("only the request with a token that could be checked").hasSize(1);
    }

}
