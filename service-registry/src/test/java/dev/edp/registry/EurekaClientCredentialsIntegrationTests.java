package dev.edp.registry;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.keycloak.LocalPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.edp.registry.ServiceRegistryIntegrationTests.basic;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Eureka clients configured only the way the launcher configures every EDP service
 * ({@code EUREKA_URL} plus the registry credentials, turned into the client's URL by the
 * starter) register with the protected registry and read it: a service (Spring Cloud's
 * RestClient transport), and the registry's own client, through which Spring Boot Admin
 * finds the services (the Jersey transport that comes with the Eureka server). Both
 * processes start from their command line like the launcher's, so the registry runs on a
 * port chosen beforehand.
 */
class EurekaClientCredentialsIntegrationTests {

    // Characters that must be percent-encoded in a URL's user info.
    static final String CLIENT_PASSWORD = "p@ss%/word+" + UUID.randomUUID();

    static final String ADMIN_PASSWORD = UUID.randomUUID().toString();

    ConfigurableApplicationContext registry;

    ConfigurableApplicationContext service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void servicesAndSpringBootAdminUseTheRegistryWithTheStarterDefaults() throws IOException {
        int port = LocalPorts.unused();
        String eurekaUrl = "http://localhost:" + port + "/eureka/";
        // Command-line arguments stand in for the environment variables the launcher
        // sets.
        registry = new SpringApplicationBuilder(ServiceRegistryApplication.class).run("--server.port=" + port,
                "--management.server.port=0", "--EUREKA_URL=" + eurekaUrl, "--edp.registry.password=" + CLIENT_PASSWORD,
                "--edp.registry.admin.password=" + ADMIN_PASSWORD, "--EDP_REGISTRY_WARM_UP_MS=0");
        service = new SpringApplicationBuilder(ProbeService.class).run("--EUREKA_URL=" + eurekaUrl,
                "--edp.registry.password=" + CLIENT_PASSWORD, "--spring.application.name=probe-service",
                "--server.port=0", "--management.server.port=0", "--eureka.client.register-with-eureka=true",
                // The services have no Jersey; on the registry's class path it would be
                // picked.
                "--eureka.client.jersey.enabled=false");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> app = send("GET", eurekaUrl + "apps/PROBE-SERVICE", null, null, null,
                    Map.of("Accept", "application/json", "Authorization", basic("edp", CLIENT_PASSWORD)));
            assertThat(app.statusCode()).isEqualTo(200);
            assertThat(JsonPath.<String>read(app.body(), "$.application.instance[0].status")).isEqualTo("UP");
        });
        DiscoveryClient discovery = service.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> assertThat(discovery.getServices()).contains("probe-service"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> applications = send("GET", "http://localhost:" + port + "/admin/applications", null,
                    null, null, Map.of("Accept", "application/json", "Authorization", basic("admin", ADMIN_PASSWORD)));
            assertThat(applications.statusCode()).isEqualTo(200);
            assertThat(JsonPath.<java.util.List<String>>read(applications.body(), "$[*].name"))
                .contains("PROBE-SERVICE");
        });
    }

    /**
     * A service with nothing but auto-configuration (the starter included), like every
     * EDP service. Not a {@code @SpringBootConfiguration}, so the registry's tests do not
     * mistake it for theirs.
     */
    @EnableAutoConfiguration
    static class ProbeService {

    }

}
