package dev.edp.devicemanagement;

import dev.edp.test.openapi.DeviceApiDocument;
import dev.edp.test.openapi.OpenApiChecks;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

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
    void answersStatusUnderItsApiPrefix() {
        checks.assertStatusEndpoint("/api/devices", "device-management");
    }

    @Test
    void apiRefusesMissingForgedAndExpiredTokens() {
        checks.assertApiRequiresValidToken("/api/devices/v1/anything");
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
