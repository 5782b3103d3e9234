package dev.edp.devicemanagement;

import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

@EdpServiceTest
class DeviceManagementApplicationIntegrationTests {

    @Autowired
    ServiceSmokeChecks checks;

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
}
