package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import dev.edp.platform.web.Cursor;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.HostileInput;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.test.service.ServiceApi.root;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Hostile input through device management's real controllers and database: text
 * PostgreSQL cannot store, oversized bodies and strings, and malformed list parameters
 * are 4xx problems with a code, never a 500, and nothing is written.
 */
@EdpServiceTest
class UntrustedInputIntegrationTests {

    private static final String ID = UUID.randomUUID().toString();

    /** Bytes that decode to no cursor. */
    private static final String GARBAGE = HostileInput.cursorOf(0xc3, 0x28, 0x1f);

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    Api api;

    UUID customer;

    @BeforeEach
    void setUp() {
        api = new Api(checks);
        customer = UUID.randomUUID();
    }

    /** The exact attack from the hardening issue: it used to be a 500 from PostgreSQL. */
    @Test
    void nulInTheDeviceSearchIsABadRequest() {
        api.registerDevice(customer, "alpha");
        HttpResponse<String> response = api.get("/devices?q=%00", viewer(customer));
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.in")).isEqualTo("query");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("q");
    }

    /** Every list endpoint with every kind of malformed value. */
    static Stream<Arguments> hostileListParameters() {
        String tooLong = "a".repeat(3000);
        return Stream.of(arguments("/devices?q=a%00b", 400, "INVALID_TEXT"),
                arguments("/devices?q=%ED%A0%80", 400, "INVALID_TEXT"),
                arguments("/devices?q=%C3", 400, "INVALID_TEXT"),
                arguments("/devices?q=" + tooLong, 400, "PARAMETER_TOO_LONG"),
                arguments("/devices?customerId=not-a-uuid", 400, "INVALID_PARAMETER"),
                arguments("/devices?machineId=%00", 400, "INVALID_TEXT"),
                arguments("/devices?machineId=12345", 400, "INVALID_PARAMETER"),
                arguments("/devices?environment=MOON", 400, "INVALID_PARAMETER"),
                arguments("/devices?lifecycle=ZOMBIE", 400, "INVALID_PARAMETER"),
                arguments("/devices?connectivity=maybe", 400, "INVALID_PARAMETER"),
                arguments("/devices?label=line", 400, "INVALID_LABEL_FILTER"),
                arguments("/devices?label=-x:1", 400, "INVALID_LABEL_FILTER"),
                arguments("/devices?label=line:3%00", 400, "INVALID_TEXT"),
                arguments("/devices?label=line:%ED%A0%80", 400, "INVALID_TEXT"),
                arguments("/devices?label=line:" + tooLong, 400, "PARAMETER_TOO_LONG"),
                arguments("/devices?sort=labels", 400, "INVALID_SORT"),
                arguments("/devices?sort=%00name", 400, "INVALID_TEXT"),
                arguments("/devices?limit=0", 400, "INVALID_LIMIT"),
                arguments("/devices?limit=501", 400, "INVALID_LIMIT"),
                arguments("/devices?limit=2147483648", 400, "INVALID_PARAMETER"),
                arguments("/devices?limit=1e3", 400, "INVALID_PARAMETER"),
                arguments("/devices?cursor=not*base64", 400, "INVALID_CURSOR"),
                arguments("/devices?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/devices?cursor=" + Cursor.encode(List.of("name", "edge\u0000", ID)), 400, "INVALID_CURSOR"),
                arguments("/devices?cursor=" + Cursor.encode(List.of("name", "edge", "12")), 400, "INVALID_CURSOR"),
                arguments("/devices?cursor=" + Cursor.encode(List.of("name", "edge")), 400, "INVALID_CURSOR"),
                arguments(
                        "/devices?sort=createdAt&cursor="
                                + Cursor.encode(List.of("createdAt", "+294277-01-01T00:00:00Z", ID)),
                        400, "INVALID_CURSOR"),
                arguments("/devices?sort=createdAt&cursor=" + Cursor.encode(List.of("name", "edge", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/devices/not-a-uuid", 400, "INVALID_PARAMETER"),
                arguments("/devices/%00", 400, "INVALID_TEXT"),
                arguments("/devices/not-a-uuid/containers", 400, "INVALID_PARAMETER"),
                arguments("/applications?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/applications?limit=-5", 400, "INVALID_LIMIT"),
                arguments("/applications?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/applications?cursor=" + Cursor.encode(List.of("name", "app\u0000", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/applications?cursor=" + Cursor.encode(List.of("-createdAt", "2026-01-01T00:00:00Z", ID)),
                        400, "INVALID_CURSOR"),
                arguments("/releases?customerId=%ED%A0%80", 400, "INVALID_TEXT"),
                arguments("/releases?limit=abc", 400, "INVALID_PARAMETER"),
                arguments("/releases?cursor=" + Cursor.encode(List.of("-createdAt", "+100000-01-01T00:00:00Z", ID)),
                        400, "INVALID_CURSOR"),
                arguments("/releases?cursor=" + Cursor.encode(List.of("-createdAt", "last tuesday", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/releases?cursor=" + Cursor.encode(List.of("name", "r1", ID)), 400, "INVALID_CURSOR"),
                arguments("/promotions?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/promotions?limit=999", 400, "INVALID_LIMIT"),
                arguments("/promotions?cursor=" + Cursor.encode(List.of("-requestedAt", "-5000-01-01T00:00:00Z", ID)),
                        400, "INVALID_CURSOR"),
                arguments("/promotions/not-a-uuid", 400, "INVALID_PARAMETER"),
                arguments("/rollouts?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/rollouts?limit=0", 400, "INVALID_LIMIT"),
                arguments("/rollouts?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/rollouts?environment=MOON", 400, "INVALID_PARAMETER"),
                arguments("/rollouts?status=%00", 400, "INVALID_TEXT"),
                arguments("/rollouts/not-a-uuid", 400, "INVALID_PARAMETER"),
                arguments("/rollouts/" + ID + "/devices?group=x", 400, "INVALID_PARAMETER"),
                arguments("/rollouts/" + ID + "/devices?status=GONE", 400, "INVALID_PARAMETER"),
                arguments("/rollouts/" + ID + "/devices/not-a-uuid/events", 400, "INVALID_PARAMETER"),
                arguments("/environments?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/fleet/summary?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/audit?customerId=x", 400, "INVALID_PARAMETER"),
                arguments("/audit?limit=0", 400, "INVALID_LIMIT"),
                arguments("/audit?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/audit?cursor=" + Cursor.encode(List.of("-at", "+294277-01-01T00:00:00Z", ID)), 400,
                        "INVALID_CURSOR"));
    }

    @ParameterizedTest
    @MethodSource("hostileListParameters")
    void everyListEndpointAnswersHostileParametersWithA4xxProblem(String path, int status, String code) {
        assertProblem(api.get(path, root()), status, code);
    }

    @Test
    void harmlessButOddFilterTextIsAnEmptyPageNotAnError() {
        for (String query : List.of("q=%25_%5C%27%22", "q=" + "x".repeat(2048), "label=line:%25%27",
                "label=line:%F0%9F%98%80")) {
            HttpResponse<String> response = api.get("/devices?" + query, viewer(customer));
            assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
        }
    }

    @Test
    void aPathVariableWithNulIsRefusedBeforeTheController() {
        assertProblem(api.put("/environments/TEST%00ING/release", operator(customer),
                "{\"releaseId\":\"" + UUID.randomUUID() + "\"}", null), 400, "INVALID_TEXT");
    }

    @Test
    void aDeviceWithNulInANameOrLabelIsRefusedAndNotWritten() {
        HttpResponse<String> response = api.post("/devices", operator(customer), """
                {"name":"edge","labels":{"line":"3\\u0000"}}""");
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/labels/line");
        response = api.post("/devices", operator(customer), """
                {"name":"edge\\ud800"}""");
        assertProblem(response, 400, "INVALID_TEXT");
        response = api.sendBytes("POST", "/devices", operator(customer), "application/json",
                "{\"name\":\"edge \u00e9\"}".getBytes(StandardCharsets.ISO_8859_1), false);
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(devices()).isZero();
    }

    @Test
    void aDeviceBodyOverTheLimitIs413AndNotWritten() {
        byte[] body = ("{\"name\":\"edge\",\"labels\":{\"line\":\"" + "3".repeat(1_100_000) + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
        assertProblem(api.sendBytes("POST", "/devices", operator(customer), "application/json", body, false), 413,
                "REQUEST_TOO_LARGE");
        assertProblem(api.sendBytes("POST", "/devices", operator(customer), "application/json", body, true), 413,
                "REQUEST_TOO_LARGE");
        assertThat(devices()).isZero();
    }

    @Test
    void hugeStringsInDeviceFieldsAreValidationErrors() {
        String huge = "d".repeat(900_000);
        assertProblem(api.post("/devices", operator(customer), "{\"name\":\"" + huge + "\"}"), 400,
                "VALIDATION_FAILED");
        assertProblem(
                api.post("/devices", operator(customer), "{\"name\":\"e\",\"labels\":{\"line\":\"" + huge + "\"}}"),
                400, "VALIDATION_FAILED");
        assertProblem(
                api.post("/devices", operator(customer),
                        "{\"name\":\"e\",\"labels\":{\"" + "k".repeat(40_000) + "\":\"3\"}}"),
                400, "VALIDATION_FAILED");
        assertProblem(api.post("/devices", operator(customer), "{\"name\":\"e\",\"environment\":\"" + huge + "\"}"),
                400, "VALIDATION_FAILED");
        assertThat(devices()).isZero();
    }

    /**
     * Regular expressions over unbounded repetitions used to overflow the stack on such
     * input: a 500.
     */
    @Test
    void hugeStringsInApplicationAndReleaseFieldsAreValidationErrors() {
        String repeated = "a.".repeat(450_000) + "a";
        for (Map.Entry<String, String> field : Map
            .of("name", "\"" + "n".repeat(900_000) + "\"", "imageRepository", "\"" + repeated + "\"", "ports",
                    "[\"" + "8".repeat(900_000) + "\"]", "volumes", "[\"" + "v".repeat(900_000) + "\"]", "env",
                    "{\"LOG\":\"" + "i".repeat(900_000) + "\"}", "restartPolicy", "\"" + "no".repeat(450_000) + "\"")
            .entrySet()) {
            // Each member once: the field under test replaces the default (a member named
            // twice is malformed).
            Map<String, String> members = new LinkedHashMap<>(
                    Map.of("name", "\"app\"", "imageRepository", "\"registry.example.com/team/app\""));
            members.put(field.getKey(), field.getValue());
            StringBuilder body = new StringBuilder("{");
            members.forEach((name, value) -> body.append(body.length() > 1 ? "," : "")
                .append('"')
                .append(name)
                .append("\":")
                .append(value));
            body.append('}');
            assertProblem(api.post("/applications", operator(customer), body.toString()), 400, "VALIDATION_FAILED");
        }
        assertThat(HostileInput.rows(jdbc, "application", "customer_id", customer)).isZero();
        String application = UUID.randomUUID().toString();
        for (String container : List.of(
                "{\"applicationId\":\"" + application + "\",\"digest\":\"sha256:" + "a.".repeat(450_000) + "\"}",
                "{\"applicationId\":\"" + application + "\",\"tag\":\"" + "t".repeat(900_000) + "\"}",
                "{\"applicationId\":\"" + application + "\",\"tag\":\"1\",\"env\":{\"X\":\"" + "e".repeat(900_000)
                        + "\"}}")) {
            assertProblem(
                    api.post("/releases", operator(customer), "{\"name\":\"r1\",\"containers\":[" + container + "]}"),
                    400, "VALIDATION_FAILED");
        }
        assertProblem(
                api.post("/releases", operator(customer), "{\"name\":\"" + "r".repeat(900_000)
                        + "\",\"containers\":[{\"applicationId\":\"" + application + "\",\"tag\":\"1\"}]}"),
                400, "VALIDATION_FAILED");
        assertThat(HostileInput.rows(jdbc, "release", "customer_id", customer)).isZero();
    }

    @Test
    void anEnvironmentValueWithNulIsRefusedAndNoApplicationIsWritten() {
        HttpResponse<String> response = api.post("/applications", operator(customer), """
                {"name":"app","imageRepository":"registry.example.com/team/app","env":{"LOG":"info\\u0000"}}""");
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/env/LOG");
        assertThat(HostileInput.rows(jdbc, "application", "customer_id", customer)).isZero();
    }

    @Test
    void aDeviceReportWithNulIsRefusedBeforeAnythingIsStored() {
        UUID device = api.registerDevice(customer, "edge-report");
        HttpResponse<String> response = TestDevices.reportState(checks.baseUrl(), device, customer, """
                {"agentVersion":"1.0","containers":[{"name":"app","state":"reconciliation failed",
                 "message":"exit \\u0000"}]}""");
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/containers/0/message");
        assertThat(HostileInput.rows(jdbc, "reported_container", "device_id", device)).isZero();
        assertThat(HostileInput.rows(jdbc, "device_event_outbox", "device_id", device)).isZero();
    }

    private long devices() {
        return HostileInput.rows(jdbc, "device", "customer_id", customer);
    }

}
