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
        assertThat(JsonPath.<List<String>>read(response.body(), "$.components.schemas.MachineRequest.properties.type.enum"))
                .containsExactly("INJECTION_MOULDING", "CNC", "ASSEMBLY", "OTHER");
        assertThat(ServiceSmokeChecks.send("GET", checks.baseUrl() + "/swagger-ui/index.html", null, null)
                .statusCode()).isEqualTo(200);
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
