package dev.edp.devicemanagement;

import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.openapi.DeviceApiDocument;
import dev.edp.test.openapi.OpenApiChecks;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

@EdpServiceTest
class DeviceManagementApplicationIntegrationTests {

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    ApplicationContext context;

    @Test
    void migratesItsOwnSchemaOnRealPostgres() {
        checks.assertMigratedSchema("devices");
    }

    @Test
    void isReadyAndExposesPrometheusMetricsOnTheManagementPort() {
        checks.assertReadyWithMetrics("device-management");
    }

    @Test
    void acceptsMoreConnectionsThanE3AdmitsLongPolls() {
        // E3 admits 20,000 long-polls per replica (edp.e3.in-flight.long-poll), one
        // connection each.
        TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
        assertThat((Integer) server.getTomcat().getConnector().getProperty("maxConnections")).isGreaterThan(20_000);
    }

    @Test
    void answersStatusUnderItsApiPrefix() {
        checks.assertStatusEndpoint("/api/devices", "device-management");
    }

    @Test
    void apiRefusesMissingForgedAndExpiredTokens() {
        checks.assertApiRequiresValidToken("/api/devices/v1/anything");
    }

    @Test
    void openApiDocumentsTheParametersEveryListTakesAndNoTenantParameter() {
        String docs = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/v3/api-docs", null, null).body();
        assertThat(parameters(docs, "/api/devices/v1/devices")).containsExactly("query customerId", "query limit",
                "query cursor", "query sort", "query environment", "query lifecycle", "query connectivity",
                "query machineId", "query q", "query label");
        for (String list : List.of("applications", "releases", "promotions", "moves")) {
            assertThat(parameters(docs, "/api/devices/v1/" + list)).as(list)
                .containsExactly("query customerId", "query limit", "query cursor");
        }
        assertThat(parameters(docs, "/api/devices/v1/rollouts")).containsExactly("query customerId", "query limit",
                "query cursor", "query environment", "query status");
        assertThat(parameters(docs, "/api/devices/v1/rollouts/{id}/devices")).containsExactly("path id", "query limit",
                "query cursor", "query group", "query status");
        assertThat(parameters(docs, "/api/devices/v1/audit")).containsExactly("query customerId", "query limit",
                "query cursor", "query entityId");
        assertThat(JsonPath.<List<String>>read(docs, "$.paths.*.*.parameters[*].name")).doesNotContain("tenant");
    }

    private static List<String> parameters(String docs, String path) {
        List<Map<String, Object>> parameters = JsonPath.read(docs, "$.paths['" + path + "'].get.parameters");
        return parameters.stream().map(parameter -> parameter.get("in") + " " + parameter.get("name")).toList();
    }

    @Test
    void unknownPathIsProblemJson404() {
        checks.assertUnknownPathIsProblem("/api/devices/v1/no-such-thing");
    }

    @Test
    void openApiDocumentListsEveryEndpointItServesAndNoInternalOne() {
        OpenApiChecks.assertDescribesEveryEndpoint(context, OpenApiChecks.fetch(checks.baseUrl()), "/api/devices");
    }

    @Test
    void e3DeviceApiDocumentHoldsExactlyThisServicesDeviceOperations() {
        DeviceApiDocument.assertMatches("device-management", OpenApiChecks.fetch(checks.baseUrl()));
    }

}
