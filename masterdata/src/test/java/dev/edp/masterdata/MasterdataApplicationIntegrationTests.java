package dev.edp.masterdata;

import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

@EdpServiceTest
class MasterdataApplicationIntegrationTests {

    @Autowired
    ServiceSmokeChecks checks;

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
    void unknownPathIsProblemJson404() {
        checks.assertUnknownPathIsProblem("/api/masterdata/v1/no-such-thing");
    }
}
