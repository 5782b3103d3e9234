package dev.edp.monitoring;

import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.test.openapi.DeviceApiDocument;
import dev.edp.test.openapi.OpenApiChecks;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MonitoringTest
class MonitoringApplicationIntegrationTests {

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    ApplicationContext context;

    @Test
    void migratesItsOwnSchemaOnRealPostgres() {
        checks.assertMigratedSchema("monitoring");
    }

    @Test
    void isReadyAndExposesPrometheusMetricsOnTheManagementPort() {
        checks.assertReadyWithMetrics("monitoring");
    }

    @Test
    void answersStatusUnderItsApiPrefix() {
        checks.assertStatusEndpoint("/api/monitoring", "monitoring");
    }

    @Test
    void apiRefusesMissingForgedAndExpiredTokens() {
        checks.assertApiRequiresValidToken("/api/monitoring/v1/anything");
    }

    @Test
    void unknownPathIsProblemJson404() {
        checks.assertUnknownPathIsProblem("/api/monitoring/v1/no-such-thing");
    }

    @Test
    void openApiDocumentListsEveryEndpointItServesAndNoInternalOne() {
        OpenApiChecks.assertDescribesEveryEndpoint(context, OpenApiChecks.fetch(checks.baseUrl()), "/api/monitoring");
    }

    @Test
    void theCheckFailsWhenAnEndpointIsMissingFromTheDocument() {
        ObjectNode document = (ObjectNode) OpenApiChecks.fetch(checks.baseUrl());
        ((ObjectNode) document.get("paths")).remove("/monitoring/api/v1/heartbeat");
        assertThatThrownBy(() -> OpenApiChecks.assertDescribesEveryEndpoint(context, document, "/api/monitoring"))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("POST /monitoring/api/v1/heartbeat");
    }

    @Test
    void e3DeviceApiDocumentHoldsExactlyThisServicesDeviceOperations() {
        DeviceApiDocument.assertMatches("monitoring", OpenApiChecks.fetch(checks.baseUrl()));
    }

    @Test
    void openApiDocumentsTheParametersEveryListTakesAndNoTenantParameter() {
        String docs = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/v3/api-docs", null, null).body();
        assertThat(parameters(docs, "/api/monitoring/v1/alerts")).containsExactly("query customerId", "query limit",
                "query cursor", "query sort", "query state", "query type");
        assertThat(parameters(docs, "/api/monitoring/v1/devices")).containsExactly("query customerId", "query limit",
                "query cursor", "query connectivity");
        assertThat(parameters(docs, "/api/monitoring/v1/notification-channels")).containsExactly("query customerId",
                "query limit", "query cursor");
        assertThat(parameters(docs, "/api/monitoring/v1/services/health/history")).containsExactly("query limit",
                "query cursor", "query service");
        assertThat(JsonPath.<List<String>>read(docs, "$.paths.*.*.parameters[*].name")).doesNotContain("tenant",
                "list");
    }

    private static List<String> parameters(String docs, String path) {
        List<Map<String, Object>> parameters = JsonPath.read(docs, "$.paths['" + path + "'].get.parameters");
        return parameters.stream().map(parameter -> parameter.get("in") + " " + parameter.get("name")).toList();
    }

}
