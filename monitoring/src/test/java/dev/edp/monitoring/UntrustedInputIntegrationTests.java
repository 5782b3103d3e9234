package dev.edp.monitoring;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import dev.edp.monitoring.ingest.ReportBuffer;
import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.platform.web.Cursor;
import dev.edp.test.service.HostileInput;
import dev.edp.test.service.ServiceApi;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.edp.test.service.ServiceApi.customerAdmin;
import static dev.edp.test.service.ServiceApi.root;
import static dev.edp.test.service.ServiceApi.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Hostile input through monitoring's real controllers and database: devices' heartbeats
 * and reports with text PostgreSQL cannot store are refused before they are buffered,
 * list parameters of every kind answer 4xx problems with a code, never a 500, and nothing
 * is written.
 */
@MonitoringTest
class UntrustedInputIntegrationTests {

    private static final String HEARTBEAT = "/monitoring/api/v1/heartbeat";

    private static final String CONTAINERS = "/monitoring/api/v1/monitoring/container";

    private static final String ID = UUID.randomUUID().toString();

    /** Bytes that decode to no cursor. */
    private static final String GARBAGE = HostileInput.cursorOf(0xe2, 0x82);

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ReportBuffer buffer;

    ServiceApi api;

    final UUID customer = UUID.randomUUID();

    @BeforeEach
    void setUp() {
        api = new ServiceApi(checks, "/api/monitoring/v1") {
        };
    }

    /**
     * The exact attack from the hardening issue: accepted with 202, then PostgreSQL
     * refused the whole batch. Now refused at once, and the next flush writes nothing for
     * that device.
     */
    @Test
    void aHeartbeatWithNulInTheAgentVersionIsRefusedAndNeverWritten() {
        UUID device = UUID.randomUUID();
        String hostile = Devices.heartbeat(60, 1)
            .replace("\"agentVersion\":\"1.4.2\"", "\"agentVersion\":\"1.0\\u0000\"");
        assertThat(hostile).contains("1.0\\u0000");
        HttpResponse<String> response = Devices.post(checks.baseUrl(), device, customer, HEARTBEAT, hostile);
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.in")).isEqualTo("body");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/agentVersion");
        buffer.flush();
        assertThat(statusRows(device)).isZero();

        // The same device's next, clean heartbeat is written: the refusal cost it
        // nothing.
        assertThat(Devices.post(checks.baseUrl(), device, customer, HEARTBEAT, Devices.heartbeat(61, 1)).statusCode())
            .isEqualTo(202);
        buffer.flush();
        assertThat(statusRows(device)).isOne();
    }

    @Test
    void heartbeatsWithLoneSurrogatesOrInvalidUtf8AreRefused() {
        UUID device = UUID.randomUUID();
        String surrogate = Devices.heartbeat(60, 1).replace("EdgeOS 12.3", "EdgeOS \\udbff");
        assertProblem(Devices.post(checks.baseUrl(), device, customer, HEARTBEAT, surrogate), 400, "INVALID_TEXT");
        byte[] latin1 = Devices.heartbeat(60, 1)
            .replace("EdgeOS 12.3", "EdgeOS \u00e9")
            .getBytes(StandardCharsets.ISO_8859_1);
        assertProblem(ServiceSmokeChecks.sendBytes("POST", checks.baseUrl() + HEARTBEAT, "application/json", latin1,
                false, null, Devices.headers(device, customer, "POST", HEARTBEAT)), 400, "INVALID_TEXT");
        buffer.flush();
        assertThat(statusRows(device)).isZero();
    }

    @Test
    void aContainerReportWithNulIsRefusedAndNothingIsStored() {
        UUID device = UUID.randomUUID();
        HttpResponse<String> response = Devices.post(checks.baseUrl(), device, customer, CONTAINERS, """
                {"containers":[{"name":"app","image":"registry.example.com/app:1","state":"ready",
                 "message":"ok"},{"name":"db\\u0000","state":"ready"}]}""");
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/containers/1/name");
        buffer.flush();
        assertThat(HostileInput.rows(jdbc, "container_status", "device_id", device)).isZero();
    }

    @Test
    void aDeviceBodyOverTheLimitIs413() {
        UUID device = UUID.randomUUID();
        String huge = Devices.heartbeat(60, 1).replace("EdgeOS 12.3", "x".repeat(1_100_000));
        byte[] body = huge.getBytes(StandardCharsets.UTF_8);
        Map<String, String> assertion = Devices.headers(device, customer, "POST", HEARTBEAT);
        assertProblem(ServiceSmokeChecks.sendBytes("POST", checks.baseUrl() + HEARTBEAT, "application/json", body,
                false, null, assertion), 413, "REQUEST_TOO_LARGE");
        assertProblem(ServiceSmokeChecks.sendBytes("POST", checks.baseUrl() + HEARTBEAT, "application/json", body, true,
                null, assertion), 413, "REQUEST_TOO_LARGE");
        buffer.flush();
        assertThat(statusRows(device)).isZero();
    }

    @Test
    void hugeStringsInDeviceReportsAreValidationErrors() {
        UUID device = UUID.randomUUID();
        String huge = "v".repeat(900_000);
        assertProblem(Devices.post(checks.baseUrl(), device, customer, HEARTBEAT,
                Devices.heartbeat(60, 1).replace("1.4.2", huge)), 400, "VALIDATION_FAILED");
        assertProblem(Devices.post(checks.baseUrl(), device, customer, HEARTBEAT,
                Devices.heartbeat(60, 1).replace("EdgeOS 12.3", huge)), 400, "VALIDATION_FAILED");
        for (String container : List.of("{\"name\":\"" + huge + "\",\"state\":\"ready\"}",
                "{\"name\":\"a\",\"image\":\"" + huge + "\",\"state\":\"ready\"}",
                "{\"name\":\"a\",\"state\":\"" + huge + "\"}",
                "{\"name\":\"a\",\"state\":\"ready\",\"message\":\"" + huge + "\"}")) {
            assertProblem(Devices.post(checks.baseUrl(), device, customer, CONTAINERS,
                    "{\"containers\":[" + container + "]}"), 400, "VALIDATION_FAILED");
        }
        buffer.flush();
        assertThat(statusRows(device)).isZero();
    }

    /**
     * Every list endpoint with every kind of malformed value; {device} is a device with a
     * status.
     */
    static Stream<Arguments> hostileListParameters() {
        String tooLong = "a".repeat(3000);
        return Stream.of(arguments("/devices?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/devices?connectivity=SLEEPING", 400, "INVALID_CONNECTIVITY"),
                arguments("/devices?connectivity=%00", 400, "INVALID_TEXT"),
                arguments("/devices?limit=0", 400, "INVALID_LIMIT"),
                arguments("/devices?limit=x", 400, "INVALID_PARAMETER"),
                arguments("/devices?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/devices?cursor=" + Cursor.encode(List.of("not-a-uuid")), 400, "INVALID_CURSOR"),
                arguments("/devices?cursor=" + Cursor.encode(List.of(ID, ID)), 400, "INVALID_CURSOR"),
                arguments("/devices?cursor=" + Cursor.encode(List.of("\u0000")), 400, "INVALID_CURSOR"),
                arguments("/devices/not-a-uuid/status", 400, "INVALID_PARAMETER"),
                arguments("/devices/{device}/heartbeats?from=yesterday", 400, "INVALID_PARAMETER"),
                arguments("/devices/{device}/heartbeats?from=%2B100000-01-01T00:00:00Z", 400, "INVALID_RANGE"),
                arguments("/devices/{device}/heartbeats?to=-1000000000-01-01T00:00:00Z", 400, "INVALID_RANGE"),
                arguments("/devices/{device}/heartbeats?from=0000-01-01T00:00:00Z", 400, "INVALID_RANGE"),
                arguments("/devices/{device}/heartbeats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", 400,
                        "INVALID_RANGE"),
                arguments("/devices/{device}/heartbeats?limit=0", 400, "INVALID_LIMIT"),
                arguments("/devices/{device}/heartbeats?limit=10081", 400, "INVALID_LIMIT"),
                arguments("/alerts?state=SLEEPING", 400, "INVALID_STATE"),
                arguments("/alerts?state=%00", 400, "INVALID_TEXT"),
                arguments("/alerts?type=FIRE", 400, "INVALID_TYPE"),
                arguments("/alerts?type=" + tooLong, 400, "PARAMETER_TOO_LONG"),
                arguments("/alerts?sort=severity", 400, "INVALID_SORT"),
                arguments("/alerts?customerId=%ED%A0%80", 400, "INVALID_TEXT"),
                arguments("/alerts?limit=501", 400, "INVALID_LIMIT"),
                arguments("/alerts?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/alerts?cursor=" + Cursor.encode(List.of("-openedAt", "+294277-01-01T00:00:00Z", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/alerts?cursor=" + Cursor.encode(List.of("openedAt", "2026-01-01T00:00:00Z", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/alerts/not-a-uuid", 400, "INVALID_PARAMETER"),
                arguments("/notification-channels?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/notification-channels?limit=-1", 400, "INVALID_LIMIT"),
                arguments("/notification-channels?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/notification-channels?cursor=" + Cursor.encode(List.of("42")), 400, "INVALID_CURSOR"),
                arguments("/services/health/history?service=%00", 400, "INVALID_TEXT"),
                arguments("/services/health/history?service=" + tooLong, 400, "PARAMETER_TOO_LONG"),
                arguments("/services/health/history?limit=0", 400, "INVALID_LIMIT"),
                arguments("/services/health/history?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/services/health/history?cursor=" + Cursor.encode(List.of(ID)), 400, "INVALID_CURSOR"),
                arguments("/services/health/history?cursor=" + Cursor.encode(List.of("99999999999999999999")), 400,
                        "INVALID_CURSOR"),
                arguments("/alert-rules?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/events/stream?customerId=x", 400, "INVALID_PARAMETER"));
    }

    @ParameterizedTest
    @MethodSource("hostileListParameters")
    void everyListEndpointAnswersHostileParametersWithA4xxProblem(String path, int status, String code) {
        UUID device = UUID.randomUUID();
        if (path.contains("{device}")) {
            assertThat(
                    Devices.post(checks.baseUrl(), device, customer, HEARTBEAT, Devices.heartbeat(1, 1)).statusCode())
                .isEqualTo(202);
            buffer.flush();
        }
        assertProblem(api.get(path.replace("{device}", device.toString()), root()), status, code);
    }

    @Test
    void aHeartbeatRangeAtTheEdgesOfWhatIsStorableIsAnEmptyListNotAnError() {
        UUID device = UUID.randomUUID();
        assertThat(Devices.post(checks.baseUrl(), device, customer, HEARTBEAT, Devices.heartbeat(1, 1)).statusCode())
            .isEqualTo(202);
        buffer.flush();
        HttpResponse<String> response = api.get(
                "/devices/" + device + "/heartbeats?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z&limit=1",
                viewer(customer));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aChannelWithNulInItsNameIsRefusedAndNotWritten() {
        HttpResponse<String> response = api.post("/notification-channels", customerAdmin(customer), """
                {"name":"Ops\\u0000","type":"EMAIL","emails":["ops@example.com"]}""");
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/name");
        response = api.post("/notification-channels", customerAdmin(customer), """
                {"name":"Ops","type":"EMAIL","emails":["ops@example.com","\\udfff@example.com"]}""");
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/emails/1");
        assertThat(channels()).isZero();
    }

    @Test
    void hugeStringsInChannelFieldsAreValidationErrors() {
        String huge = "c".repeat(900_000);
        for (String body : List.of("{\"name\":\"" + huge + "\",\"type\":\"EMAIL\",\"emails\":[\"ops@example.com\"]}",
                "{\"name\":\"Ops\",\"type\":\"" + huge + "\",\"emails\":[\"ops@example.com\"]}",
                "{\"name\":\"Ops\",\"type\":\"EMAIL\",\"emails\":[\"" + huge + "@example.com\"]}",
                "{\"name\":\"Ops\",\"type\":\"WEBHOOK\",\"url\":\"https://" + huge + ".example.com/\"}",
                "{\"name\":\"Ops\",\"type\":\"WEBHOOK\",\"url\":\"https://hooks.example.com/\",\"secret\":\"" + huge
                        + "\"}")) {
            assertProblem(api.post("/notification-channels", customerAdmin(customer), body), 400, "VALIDATION_FAILED");
        }
        assertThat(channels()).isZero();
    }

    @Test
    void alertRulesWithNulOrHugeTypesAreRefusedAndNothingChanges() {
        assertProblem(api.put("/alert-rules", customerAdmin(customer), """
                {"rules":[{"type":"DEVICE_OFFLINE\\u0000","enabled":false}]}""", null), 400, "INVALID_TEXT");
        assertProblem(api.put("/alert-rules", customerAdmin(customer), """
                {"rules":[{"type":"%s","enabled":false}]}""".formatted("T".repeat(900_000)), null), 400,
                "VALIDATION_FAILED");
        assertThat(HostileInput.rows(jdbc, "alert_rule_override", "customer_id", customer)).isZero();
    }

    private long statusRows(UUID device) {
        return HostileInput.rows(jdbc, "device_status", "device_id", device);
    }

    private long channels() {
        return HostileInput.rows(jdbc, "notification_channel", "customer_id", customer);
    }

}
