package dev.edp.onboarding;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import dev.edp.platform.web.Cursor;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.HostileInput;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Hostile input through onboarding's real controllers and database: operator requests and
 * device bodies (enrollment, EST) with text PostgreSQL cannot store, oversized bodies and
 * strings, and malformed list parameters are 4xx problems with a code, never a 500, and
 * nothing is issued.
 */
@EdpServiceTest
class UntrustedInputIntegrationTests {

    private static final String ROOT = TestJwtIssuer.token("root", null, "platform-admin");

    private static final String ID = UUID.randomUUID().toString();

    /** Bytes that decode to no cursor. */
    private static final String GARBAGE = HostileInput.cursorOf(0xf0, 0x9f);

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    final UUID customer = UUID.randomUUID();

    static Stream<Arguments> hostileListParameters() {
        return Stream.of(arguments("/api/onboarding/v1/tokens?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/api/onboarding/v1/tokens?customerId=%00", 400, "INVALID_TEXT"),
                arguments("/api/onboarding/v1/tokens?limit=0", 400, "INVALID_LIMIT"),
                arguments("/api/onboarding/v1/tokens?limit=many", 400, "INVALID_PARAMETER"),
                arguments("/api/onboarding/v1/tokens?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/api/onboarding/v1/tokens?cursor=" + Cursor.encode(List.of("+294277-01-01T00:00:00Z", ID)),
                        400, "INVALID_CURSOR"),
                arguments("/api/onboarding/v1/tokens?cursor=" + Cursor.encode(List.of("-4714-11-24T00:00:00Z", ID)),
                        400, "INVALID_CURSOR"),
                arguments("/api/onboarding/v1/tokens?cursor=" + Cursor.encode(List.of("2026-01-01T00:00:00Z", "x")),
                        400, "INVALID_CURSOR"),
                arguments("/api/onboarding/v1/tokens?cursor=" + Cursor.encode(List.of("name", "x", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/api/onboarding/v1/tokens?cursor=" + Cursor.encode(List.of("\u0000", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/api/onboarding/v1/tokens?cursor=" + "a".repeat(3000), 400, "PARAMETER_TOO_LONG"),
                arguments("/api/onboarding/v1/tokens/not-a-uuid", 400, "INVALID_PARAMETER"),
                arguments("/api/onboarding/v1/certificates/0a%00", 400, "INVALID_TEXT"),
                arguments("/api/onboarding/v1/certificates/" + "f".repeat(3000), 404, "NOT_FOUND"));
    }

    @ParameterizedTest
    @MethodSource("hostileListParameters")
    void everyListEndpointAnswersHostileParametersWithA4xxProblem(String path, int status, String code) {
        assertProblem(ServiceSmokeChecks.send("GET", checks.baseUrl() + path, null, null, ROOT), status, code);
    }

    @Test
    void aTokenWithNulInTheDeviceNameOrALabelIsRefusedAndNothingIsWritten() {
        HttpResponse<String> response = createToken("{\"deviceName\":\"press\\u0000\"}");
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/deviceName");
        assertProblem(createToken("{\"labels\":{\"line\\u0000\":\"3\"}}"), 400, "INVALID_TEXT");
        assertProblem(createToken("{\"lifetime\":\"PT1H\\ud800\"}"), 400, "INVALID_TEXT");
        assertThat(tokens()).isZero();
    }

    @Test
    void hugeStringsInATokenRequestAreValidationErrors() {
        String huge = "h".repeat(900_000);
        for (String field : List.of("deviceName", "environment", "lifetime")) {
            assertProblem(createToken("{\"" + field + "\":\"" + huge + "\"}"), 400, "VALIDATION_FAILED");
        }
        assertProblem(createToken("{\"lifetime\":\"PT" + "9".repeat(900_000) + "H\"}"), 400, "VALIDATION_FAILED");
        assertThat(tokens()).isZero();
    }

    @Test
    void aTokenRequestOverTheLimitIs413WithOrWithoutContentLength() {
        byte[] body = ("{\"deviceName\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (boolean chunked : List.of(false, true)) {
            assertProblem(ServiceSmokeChecks.sendBytes("POST", checks.baseUrl() + "/api/onboarding/v1/tokens",
                    "application/json", body, chunked, operator(), Map.of()), 413, "REQUEST_TOO_LARGE");
        }
        assertThat(tokens()).isZero();
    }

    @Test
    void anEnrollmentWithTextPostgresCannotStoreIsRefusedBeforeTheTokenIsLookedAt() {
        for (String body : List.of("{\"token\":\"edp_ot_abc\\u0000\",\"csr\":\"x\"}",
                "{\"token\":\"edp_ot_abc\",\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\ud800\"}")) {
            HttpResponse<String> response = ServiceSmokeChecks.send("POST",
                    checks.baseUrl() + "/onboarding/api/v1/enrollments", "application/json", body);
            assertProblem(response, 400, "INVALID_TEXT");
        }
        HttpResponse<String> latin1 = ServiceSmokeChecks.sendBytes("POST",
                checks.baseUrl() + "/onboarding/api/v1/enrollments", "application/json",
                "{\"token\":\"edp_ot_\u00e9\",\"csr\":\"x\"}".getBytes(StandardCharsets.ISO_8859_1), false, null,
                Map.of());
        assertProblem(latin1, 400, "INVALID_TEXT");
    }

    @Test
    void deviceBodiesOverTheLimitsAre413WithTheSameCode() {
        String enrollments = checks.baseUrl() + "/onboarding/api/v1/enrollments";
        byte[] overDeviceLimit = ("{\"token\":\"edp_ot_abc\",\"csr\":\"" + "x".repeat(40_000) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        byte[] overServiceLimit = ("{\"token\":\"edp_ot_abc\",\"csr\":\"" + "x".repeat(1_100_000) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        for (byte[] body : List.of(overDeviceLimit, overServiceLimit)) {
            for (boolean chunked : List.of(false, true)) {
                assertProblem(ServiceSmokeChecks.sendBytes("POST", enrollments, "application/json", body, chunked, null,
                        Map.of()), 413, "REQUEST_TOO_LARGE");
            }
        }
        byte[] est = Base64.getMimeEncoder().encode(new byte[1_000_000]);
        for (boolean chunked : List.of(false, true)) {
            assertProblem(
                    ServiceSmokeChecks.sendBytes("POST", checks.baseUrl() + "/.well-known/est/simpleenroll",
                            "application/pkcs10", est, chunked, null, Map.of("Authorization", "Basic eDp5")),
                    413, "REQUEST_TOO_LARGE");
        }
    }

    @Test
    void aRevocationReasonWithNulIsRefused() {
        HttpResponse<String> response = ServiceSmokeChecks.send("POST",
                checks.baseUrl() + "/api/onboarding/v1/devices/" + UUID.randomUUID() + "/revoke", "application/json",
                "{\"reason\":\"KEY_COMPROMISE\\u0000\"}", operator());
        assertProblem(response, 400, "INVALID_TEXT");
    }

    private HttpResponse<String> createToken(String body) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + "/api/onboarding/v1/tokens", "application/json", body,
                operator());
    }

    private String operator() {
        return TestJwtIssuer.token("otto", customer, "operator");
    }

    private long tokens() {
        return HostileInput.rows(jdbc, "onboarding_token", "customer_id", customer);
    }

}
