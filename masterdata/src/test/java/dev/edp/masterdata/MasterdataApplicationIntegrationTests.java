package dev.edp.masterdata;

import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.openapi.OpenApiChecks;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

@EdpServiceTest
class MasterdataApplicationIntegrationTests {

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    ApplicationContext context;

    @Test
    void migratesItsOwnSchemaOnRealPostgres() {
        checks.assertMigratedSchema("masterdata");
    }

    @Test
    void isReadyAndExposesPrometheusMetricsOnTheManagementPort() {
        checks.assertReadyWithMetrics("masterdata");
    }

    @Test
    void answersStatusUnderItsApiPrefix() {
        checks.assertStatusEndpoint("/api/masterdata", "masterdata");
    }

    @Test
    void apiRefusesMissingForgedAndExpiredTokens() {
        checks.assertApiRequiresValidToken("/api/masterdata/v1/anything");
    }

    @Test
    void openApiDescribesTheApiWithoutAToken() {
        var response = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/v3/api-docs", null, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> paths = List.copyOf(JsonPath.<Map<String, Object>>read(response.body(), "$.paths").keySet());
        assertThat(paths).contains("/api/masterdata/v1/customers", "/api/masterdata/v1/customers/{id}",
                "/api/masterdata/v1/customers/{customerId}/audit", "/api/masterdata/v1/customers/{customerId}/users",
                "/api/masterdata/v1/customers/{customerId}/users/{userId}/role", "/api/masterdata/v1/machines",
                "/api/masterdata/v1/machines/{id}");
        assertThat(JsonPath.<List<String>>read(response.body(),
                "$.components.schemas.MachineRequest.properties.type.enum"))
            .containsExactly("INJECTION_MOULDING", "CNC", "ASSEMBLY", "OTHER");
        assertThat(ServiceSmokeChecks.send("GET", checks.baseUrl() + "/swagger-ui/index.html", null, null).statusCode())
            .isEqualTo(200);
    }

    @Test
    void openApiDocumentsTheParametersEveryListTakesAndNoTenantParameter() {
        String docs = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/v3/api-docs", null, null).body();
        assertThat(parameters(docs, "/api/masterdata/v1/customers")).containsExactly("query limit", "query cursor",
                "query sort", "query status", "query q");
        assertThat(parameters(docs, "/api/masterdata/v1/machines")).containsExactly("query customerId", "query limit",
                "query cursor", "query sort", "query type", "query site", "query manufacturer", "query serialNumber",
                "query q", "query label");
        for (String path : List.of("/api/masterdata/v1/customers/{customerId}/users",
                "/api/masterdata/v1/customers/{customerId}/audit")) {
            assertThat(parameters(docs, path)).as(path)
                .containsExactly("path customerId", "query limit", "query cursor");
        }
        assertThat(JsonPath.<List<String>>read(docs, "$.paths.*.*.parameters[*].name")).doesNotContain("tenant");
        assertThat(JsonPath.<List<String>>read(docs,
                "$.paths['/api/masterdata/v1/machines'].get.parameters[?(@.name == 'sort')].description"))
            .containsExactly("name (default) or createdAt; prefix - for descending");
    }

    private static List<String> parameters(String docs, String path) {
        List<Map<String, Object>> parameters = JsonPath.read(docs, "$.paths['" + path + "'].get.parameters");
        return parameters.stream().map(parameter -> parameter.get("in") + " " + parameter.get("name")).toList();
    }

    @Test
    void unknownPathIsProblemJson404() {
        checks.assertUnknownPathIsProblem("/api/masterdata/v1/no-such-thing");
    }

    @Test
    void openApiDocumentListsEveryEndpointItServesAndNoInternalOne() {
        OpenApiChecks.assertDescribesEveryEndpoint(context, OpenApiChecks.fetch(checks.baseUrl()), "/api/masterdata");
    }

    @Test
    void hasNoDeviceOperationsForE3() {
        assertThat(OpenApiChecks.documentedOperations(OpenApiChecks.fetch(checks.baseUrl())))
            .allMatch(operation -> operation.contains(" /api/"));
    }

}
