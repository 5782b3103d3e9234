package dev.edp.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "eureka.client.fetch-registry=false" })
class ServiceRegistryIntegrationTests {

    @Value("${local.server.port}")
    int port;

    @Value("${local.management.port}")
    int managementPort;

    @Test
    void registeredInstanceIsListedInTheRegistry() throws Exception {
        String instance = """
                {"instance":{"instanceId":"demo:1","hostName":"localhost","app":"DEMO","ipAddr":"127.0.0.1",
                 "status":"UP","port":{"$":18080,"@enabled":"true"},
                 "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}}
                """;
        HttpResponse<String> registered = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/eureka/apps/DEMO"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(instance)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(204);

        HttpResponse<String> apps = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/eureka/apps/DEMO"))
                        .header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(apps.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(apps.body(), "$.application.instance[0].instanceId")).isEqualTo("demo:1");
    }

    @Test
    void dashboardAndAdminUiAreServed() {
        HttpResponse<String> dashboard = send("GET", "http://localhost:" + port + "/", null, null);
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Eureka");
        HttpResponse<String> admin = send("GET", "http://localhost:" + port + "/admin", null, null);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("EDP services");
    }

    @Test
    void exposesHealthAndPrometheusOnTheManagementPort() {
        HttpResponse<String> readiness = send("GET",
                "http://localhost:" + managementPort + "/actuator/health/readiness", null, null);
        assertThat(readiness.statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = send("GET", "http://localhost:" + managementPort + "/actuator/prometheus",
                null, null);
        assertThat(metrics.body()).contains("application=\"service-registry\"");
    }

    @Test
    void unknownPathIsProblemJson() {
        assertProblem(send("GET", "http://localhost:" + port + "/no/such/page", null, null), 404, "NOT_FOUND");
    }
}
