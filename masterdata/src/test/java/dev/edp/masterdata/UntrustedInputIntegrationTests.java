package dev.edp.masterdata;

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
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.edp.masterdata.Api.customerAdmin;
import static dev.edp.masterdata.Api.operator;
import static dev.edp.test.service.ServiceApi.root;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Hostile input through masterdata's real controllers and database: text PostgreSQL
 * cannot store, oversized bodies and strings, and malformed list parameters are 4xx
 * problems with a code, never a 500, and nothing is written.
 */
@EdpServiceTest
class UntrustedInputIntegrationTests {

    private static final String ID = UUID.randomUUID().toString();

    /** Bytes that decode to no cursor. */
    private static final String GARBAGE = HostileInput.cursorOf(0xff, 0x00, 0xfe);

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    Api api;

    UUID customer;

    @BeforeEach
    void setUp() {
        api = new Api(checks);
        customer = api.createCustomer("Hostile Input Inc");
    }

    /**
     * Every list endpoint with every kind of malformed value; {customer} is replaced by a
     * real customer.
     */
    static Stream<Arguments> hostileListParameters() {
        String tooLong = "a".repeat(3000);
        return Stream.of(arguments("/customers?q=%00", 400, "INVALID_TEXT"),
                arguments("/customers?q=Acme%ED%A0%80", 400, "INVALID_TEXT"),
                arguments("/customers?q=%C3%28", 400, "INVALID_TEXT"),
                arguments("/customers?q=" + tooLong, 400, "PARAMETER_TOO_LONG"),
                arguments("/customers?status=SLEEPING", 400, "INVALID_PARAMETER"),
                arguments("/customers?status=%00", 400, "INVALID_TEXT"),
                arguments("/customers?sort=secret", 400, "INVALID_SORT"),
                arguments("/customers?sort=--name", 400, "INVALID_SORT"),
                arguments("/customers?sort=%00", 400, "INVALID_TEXT"),
                arguments("/customers?limit=0", 400, "INVALID_LIMIT"),
                arguments("/customers?limit=-1", 400, "INVALID_LIMIT"),
                arguments("/customers?limit=501", 400, "INVALID_LIMIT"),
                arguments("/customers?limit=ten", 400, "INVALID_PARAMETER"),
                arguments("/customers?limit=99999999999", 400, "INVALID_PARAMETER"),
                arguments("/customers?cursor=!!not-base64!!", 400, "INVALID_CURSOR"),
                arguments("/customers?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/customers?cursor=" + Cursor.encode(List.of("name", "a\u0000", ID)), 400, "INVALID_CURSOR"),
                arguments("/customers?cursor=" + Cursor.encode(List.of("name", "Acme", "not-a-uuid")), 400,
                        "INVALID_CURSOR"),
                arguments(
                        "/customers?sort=createdAt&cursor="
                                + Cursor.encode(List.of("createdAt", "+294277-01-01T00:00:00Z", ID)),
                        400, "INVALID_CURSOR"),
                arguments("/customers?sort=createdAt&cursor=" + Cursor.encode(List.of("createdAt", "Acme", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/customers?cursor=" + Cursor.encode(List.of("createdAt", "2026-01-01T00:00:00Z", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/customers?cursor=" + Cursor.encode(List.of("users", "50")), 400, "INVALID_CURSOR"),
                arguments("/customers/not-a-uuid", 400, "INVALID_PARAMETER"),
                arguments("/customers/%00", 400, "INVALID_TEXT"),
                arguments("/machines?customerId=not-a-uuid", 400, "INVALID_PARAMETER"),
                arguments("/machines?type=LATHE", 400, "INVALID_PARAMETER"),
                arguments("/machines?site=%00", 400, "INVALID_TEXT"),
                arguments("/machines?manufacturer=Arburg%00", 400, "INVALID_TEXT"),
                arguments("/machines?serialNumber=%ED%B0%80", 400, "INVALID_TEXT"),
                arguments("/machines?q=%00", 400, "INVALID_TEXT"),
                arguments("/machines?q=" + tooLong, 400, "PARAMETER_TOO_LONG"),
                arguments("/machines?label=line", 400, "INVALID_LABEL_FILTER"),
                arguments("/machines?label=:3", 400, "INVALID_LABEL_FILTER"),
                arguments("/machines?label=line:3&label=bad%20key:1", 400, "INVALID_LABEL_FILTER"),
                arguments("/machines?label=line:%00", 400, "INVALID_TEXT"),
                arguments("/machines?label=%00:3", 400, "INVALID_TEXT"),
                arguments("/machines?label=line:" + tooLong, 400, "PARAMETER_TOO_LONG"),
                arguments("/machines?sort=serial", 400, "INVALID_SORT"),
                arguments("/machines?limit=100000", 400, "INVALID_LIMIT"),
                arguments("/machines?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments(
                        "/machines?sort=-createdAt&cursor="
                                + Cursor.encode(List.of("-createdAt", "-1000000000-01-01T00:00:00Z", ID)),
                        400, "INVALID_CURSOR"),
                arguments("/machines/not-a-uuid", 400, "INVALID_PARAMETER"),
                arguments("/customers/{customer}/users?limit=0", 400, "INVALID_LIMIT"),
                arguments("/customers/{customer}/users?limit=x", 400, "INVALID_PARAMETER"),
                arguments("/customers/{customer}/users?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/customers/{customer}/users?cursor=" + Cursor.encode(List.of("users", "-5")), 400,
                        "INVALID_CURSOR"),
                arguments("/customers/{customer}/users?cursor=" + Cursor.encode(List.of("users", "99999999999")), 400,
                        "INVALID_CURSOR"),
                arguments("/customers/{customer}/users?cursor=" + Cursor.encode(List.of("name", "x", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/customers/{customer}/users/%00", 400, "INVALID_TEXT"),
                arguments("/customers/{customer}/audit?limit=501", 400, "INVALID_LIMIT"),
                arguments("/customers/{customer}/audit?cursor=" + GARBAGE, 400, "INVALID_CURSOR"),
                arguments("/customers/{customer}/audit?cursor="
                        + Cursor.encode(List.of("-at", "+100000-01-01T00:00:00Z", ID)), 400, "INVALID_CURSOR"),
                arguments("/customers/{customer}/audit?cursor=" + Cursor.encode(List.of("-at", "yesterday", ID)), 400,
                        "INVALID_CURSOR"),
                arguments("/customers/not-a-uuid/audit", 400, "INVALID_PARAMETER"));
    }

    @ParameterizedTest
    @MethodSource("hostileListParameters")
    void everyListEndpointAnswersHostileParametersWithA4xxProblem(String path, int status, String code) {
        String token = path.contains("{customer}") ? customerAdmin(customer) : root();
        assertProblem(api.get(path.replace("{customer}", customer.toString()), token), status, code);
    }

    @Test
    void harmlessButOddFilterTextIsAnEmptyPageNotAnError() {
        for (String query : List.of("q=%25_%5C%27%22", "q=" + "x".repeat(2048), "label=line:%25",
                "site=%F0%9F%98%80")) {
            HttpResponse<String> response = api.get("/machines?" + query, operator(customer));
            assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
        }
    }

    @Test
    void aCustomerNameWithNulIsRefusedAndNotWritten() {
        HttpResponse<String> response = api.post("/customers", root(), """
                {"name":"Acme\\u0000","code":"nul-acme","contactEmail":"ops@acme.example"}""");
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/name");
        assertThat(count("SELECT count(*) FROM customer WHERE code = 'nul-acme'")).isZero();
    }

    @Test
    void aRenameWithALoneSurrogateIsRefusedAndChangesNothing() {
        HttpResponse<String> current = api.get("/customers/" + customer, root());
        HttpResponse<String> response = api.patch("/customers/" + customer, root(), """
                {"name":"Renamed \\ud800"}""", Api.etag(current));
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(
                jdbc.sql("SELECT name FROM customer WHERE id = :id").param("id", customer).query(String.class).single())
            .isEqualTo("Hostile Input Inc");
    }

    @Test
    void aLabelKeyWithNulIsRefusedAndNoMachineIsWritten() {
        HttpResponse<String> response = api.post("/machines", operator(customer), """
                {"name":"Press","type":"CNC","serialNumber":"NUL-1","labels":{"line\\u0000":"3"}}""");
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("/labels");
        assertThat(machines()).isZero();
    }

    @Test
    void invalidUtf8InAMachineIsRefusedAndNotWritten() {
        byte[] body = ("{\"name\":\"Press \u00ff\",\"type\":\"CNC\",\"serialNumber\":\"UTF-1\"}")
            .getBytes(StandardCharsets.ISO_8859_1);
        assertProblem(api.sendBytes("POST", "/machines", operator(customer), "application/json", body, false), 400,
                "INVALID_TEXT");
        assertThat(machines()).isZero();
    }

    @Test
    void aCommissioningDatePostgresCannotHoldIsABadRequestNotAServerError() {
        for (String date : List.of("+999999999-12-31", "-0001-01-01", "+10000-01-01")) {
            HttpResponse<String> response = api.post("/machines", operator(customer), """
                    {"name":"Press","type":"CNC","serialNumber":"DATE-1","commissioningDate":"%s"}""".formatted(date));
            assertProblem(response, 400, "MALFORMED_REQUEST_BODY");
        }
        assertThat(machines()).isZero();
    }

    @Test
    void aBodyOverTheLimitIs413WithOrWithoutContentLengthAndNothingIsWritten() {
        byte[] body = ("{\"name\":\"Press\",\"type\":\"CNC\",\"serialNumber\":\"BIG-1\",\"location\":\""
                + "x".repeat(1_200_000) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        assertProblem(api.sendBytes("POST", "/machines", operator(customer), "application/json", body, false), 413,
                "REQUEST_TOO_LARGE");
        assertProblem(api.sendBytes("POST", "/machines", operator(customer), "application/json", body, true), 413,
                "REQUEST_TOO_LARGE");
        assertThat(machines()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = { "name", "manufacturer", "model", "serialNumber", "site", "location" })
    void aHugeStringInAnyMachineFieldIsAValidationErrorNotAColumnOverflow(String field) {
        Map<String, String> fields = new LinkedHashMap<>(
                Map.of("name", "Press", "type", "CNC", "serialNumber", "HUGE-1"));
        fields.put(field, "y".repeat(900_000));
        String body = json(fields);
        HttpResponse<String> response = api.post("/machines", operator(customer), body);
        assertProblem(response, 400, "VALIDATION_FAILED");
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field")).contains(field);
        assertThat(machines()).isZero();
    }

    @Test
    void hugeLabelsAreValidationErrors() {
        HttpResponse<String> response = api.post("/machines", operator(customer), """
                {"name":"Press","type":"CNC","serialNumber":"HUGE-2","labels":{"line":"%s"}}"""
            .formatted("z".repeat(900_000)));
        assertProblem(response, 400, "VALIDATION_FAILED");
        response = api.post("/machines", operator(customer), """
                {"name":"Press","type":"CNC","serialNumber":"HUGE-3","labels":{"%s":"3"}}"""
            .formatted("k".repeat(40_000)));
        assertProblem(response, 400, "VALIDATION_FAILED");
        // Jackson itself refuses member names over 50,000 characters.
        response = api.post("/machines", operator(customer), """
                {"name":"Press","type":"CNC","serialNumber":"HUGE-4","labels":{"%s":"3"}}"""
            .formatted("k".repeat(900_000)));
        assertProblem(response, 400, "MALFORMED_REQUEST_BODY");
        assertThat(machines()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = { "name", "code", "contactEmail" })
    void aHugeStringInAnyCustomerFieldIsAValidationError(String field) {
        Map<String, String> fields = new LinkedHashMap<>(
                Map.of("name", "Big", "code", "big-" + field.toLowerCase(), "contactEmail", "ops@big.example"));
        fields.put(field, "w".repeat(900_000));
        String body = json(fields);
        assertProblem(api.post("/customers", root(), body), 400, "VALIDATION_FAILED");
        assertThat(count("SELECT count(*) FROM customer WHERE name = 'Big' OR code LIKE 'big-%'")).isZero();
    }

    private long machines() {
        return HostileInput.rows(jdbc, "machine", "customer_id", customer);
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    /**
     * A JSON object of these string members (each named once: a member named twice is
     * malformed).
     */
    private static String json(Map<String, String> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((name, value) -> out.append(out.length() > 1 ? "," : "")
            .append('"')
            .append(name)
            .append("\":\"")
            .append(value)
            .append('"'));
        return out.append('}').toString();
    }

}
