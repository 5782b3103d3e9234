package dev.edp.registry;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.edp.registry.ServiceRegistryIntegrationTests.basic;
import static dev.edp.registry.ServiceRegistryIntegrationTests.instance;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registry that has just started, with its default warm-up (20 s, far longer than this
 * test): it takes registrations but refuses reads with 403, because it does not yet know
 * the instances that registered with its previous run. Eureka clients keep the instances
 * they know when a fetch fails; with an answer they would forget them all
 * (docs/resilience.md, the registry restarted).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.fetch-registry=false" })
class RegistryWarmUpIntegrationTests {

    static final String CLIENT_PASSWORD = UUID.randomUUID().toString();

    @DynamicPropertySource
    static void credentials(DynamicPropertyRegistry registry) {
        registry.add("edp.registry.password", () -> CLIENT_PASSWORD);
        registry.add("edp.registry.admin.password", () -> UUID.randomUUID().toString());
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void justStartedItTakesRegistrationsButRefusesReadsSoThatClientsKeepTheInstancesTheyKnow() {
        String client = basic("edp", CLIENT_PASSWORD);
        HttpResponse<String> registered = send("POST", "http://localhost:" + port + "/eureka/apps/DEMO",
                "application/json", instance("DEMO", "demo:1"), null, Map.of("Authorization", client));
        assertThat(registered.statusCode()).isEqualTo(204);

        for (String path : new String[] { "/eureka/apps", "/eureka/apps/delta", "/eureka/apps/DEMO" }) {
            HttpResponse<String> read = send("GET", "http://localhost:" + port + path, null, null, null,
                    Map.of("Authorization", client, "Accept", "application/json"));
            assertThat(read.statusCode()).as(path).isEqualTo(403);
        }
    }

}
