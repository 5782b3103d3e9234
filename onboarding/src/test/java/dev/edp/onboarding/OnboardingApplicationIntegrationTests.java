package dev.edp.onboarding;

import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.openapi.DeviceApiDocument;
import dev.edp.test.openapi.OpenApiChecks;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

@EdpServiceTest
class OnboardingApplicationIntegrationTests {

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    ApplicationContext context;

    @Test
    void migratesItsOwnSchemaOnRealPostgres() {
        checks.assertMigratedSchema("onboarding");
    }

    @Test
    void isReadyAndExposesPrometheusMetricsOnTheManagementPort() {
        checks.assertReadyWithMetrics("onboarding");
    }

    @Test
    void managementPortHidesHealthDetailsAndRefusesWritesWithoutTheServiceToken() {
        checks.assertManagementPortGuarded();
    }

    @Test
    void answersStatusUnderItsApiPrefix() {
        checks.assertStatusEndpoint("/api/onboarding", "onboarding");
    }

    @Test
    void deviceHealthCheckAnswersNoContent() {
        assertThat(ServiceSmokeChecks.send("GET", checks.baseUrl() + "/onboarding/health", null, null).statusCode())
            .isEqualTo(204);
    }

    @Test
    void apiRefusesMissingForgedAndExpiredTokens() {
        checks.assertApiRequiresValidToken("/api/onboarding/v1/anything");
    }

    @Test
    void unknownPathIsProblemJson404() {
        checks.assertUnknownPathIsProblem("/api/onboarding/v1/no-such-thing");
    }

    @Test
    void openApiDocumentListsEveryEndpointItServesAndNoInternalOne() {
        OpenApiChecks.assertDescribesEveryEndpoint(context, OpenApiChecks.fetch(checks.baseUrl()), "/api/onboarding");
    }

    @Test
    void e3DeviceApiDocumentHoldsExactlyThisServicesDeviceOperations() {
        DeviceApiDocument.assertMatches("onboarding", OpenApiChecks.fetch(checks.baseUrl()));
    }

    @Test
    void openApiDocumentsTheParametersOfTheTokenListAndNoTenantParameter() {
        String docs = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/v3/api-docs", null, null).body();
        assertThat(parameters(docs, "/api/onboarding/v1/tokens")).containsExactly("query customerId", "query limit",
                "query cursor");
        assertThat(JsonPath.<List<String>>read(docs, "$.paths.*.*.parameters[*].name")).doesNotContain("tenant",
                "list");
    }

    private static List<String> parameters(String docs, String path) {
        List<Map<String, Object>> parameters = JsonPath.read(docs, "$.paths['" + path + "'].get.parameters");
        return parameters.stream().map(parameter -> parameter.get("in") + " " + parameter.get("name")).toList();
    }

}
