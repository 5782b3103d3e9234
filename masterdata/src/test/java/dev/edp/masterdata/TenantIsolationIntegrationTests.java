package dev.edp.masterdata;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.edp.masterdata.Api.customerAdmin;
import static dev.edp.masterdata.Api.operator;
import static dev.edp.masterdata.Api.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint, called by another customer's operator and admin on customer A's data:
 * refused with 404 (or 403 where the role alone is not enough), and nothing of A's
 * changes.
 */
@EdpServiceTest
class TenantIsolationIntegrationTests extends MasterdataApiTests {

    UUID a;

    UUID b;

    UUID machineOfA;

    @BeforeEach
    void setUp() {
        a = api.createCustomer("Customer A");
        b = api.createCustomer("Customer B");
        machineOfA = api.createMachine(a, "A's press", "A-1");
        api.createMachine(b, "B's press", "B-1");
    }

    @Test
    void anotherCustomersOperatorAndAdminCanNeitherSeeNorChangeAnything() {
        String machine = """
                {"name":"Hijacked","type":"CNC","serialNumber":"X-1","customerId":"%s"}""".formatted(a);
        String user = """
                {"username":"intruder","email":"i@b.example","firstName":"I","lastName":"N","role":"viewer"}""";
        String someUser = "/customers/" + a + "/users/" + UUID.randomUUID();
        Map<String, Object> before = snapshot();

        String operatorOfB = operator(b);
        for (String token : List.of(operatorOfB, customerAdmin(b))) {
            boolean isOperator = token.equals(operatorOfB);
            // Customers
            expect(api.get("/customers/" + a, token), 404);
            expect(api.patch("/customers/" + a, token, "{\"name\":\"Mine\"}", "\"1\""), 403);
            expect(api.post("/customers/" + a + "/deactivate", token, null), 403);
            expect(api.post("/customers/" + a + "/activate", token, null), 403);
            HttpResponse<String> customers = api.get("/customers?limit=500", token);
            assertThat(customers.statusCode()).isEqualTo(200);
            assertThat(customers.body()).doesNotContain(a.toString());
            // Machines
            expect(api.get("/machines/" + machineOfA, token), 404);
            expect(api.get("/machines?customerId=" + a, token), 404);
            HttpResponse<String> machines = api.get("/machines?limit=500", token);
            assertThat(machines.statusCode()).isEqualTo(200);
            assertThat(machines.body()).doesNotContain(machineOfA.toString()).doesNotContain(a.toString());
            assertThat((List<String>) read(machines, "$.items[*].customerId")).containsOnly(b.toString());
            expect(api.post("/machines", token, machine), 404);
            expect(api.put("/machines/" + machineOfA, token, machine, "\"1\""), 404);
            expect(api.delete("/machines/" + machineOfA, token, "\"1\""), 404);
            // Audit trail
            expect(api.get("/customers/" + a + "/audit", token), isOperator ? 403 : 404);
            // Users (refused before Keycloak is asked: this context has none, which would
            // be a 503)
            int users = isOperator ? 403 : 404;
            expect(api.post("/customers/" + a + "/users", token, user), users);
            expect(api.get("/customers/" + a + "/users", token), users);
            expect(api.get(someUser, token), users);
            expect(api.put(someUser + "/role", token, "{\"role\":\"viewer\"}", null), users);
            expect(api.post(someUser + "/disable", token, null), users);
            expect(api.post(someUser + "/enable", token, null), users);
        }

        assertThat(snapshot()).isEqualTo(before);
    }

    private static void expect(HttpResponse<String> response, int status) {
        ServiceSmokeChecks.assertProblem(response, status, status == 404 ? "NOT_FOUND" : "FORBIDDEN");
    }

    /** Everything of customer A, as stored. */
    private Map<String, Object> snapshot() {
        return Map.of("customer",
                jdbc.sql("SELECT row_to_json(c)::text FROM customer c WHERE id = :a")
                    .param("a", a)
                    .query(String.class)
                    .single(),
                "machines",
                jdbc.sql("SELECT row_to_json(m)::text FROM machine m WHERE customer_id = :a ORDER BY id")
                    .param("a", a)
                    .query(String.class)
                    .list(),
                "audit",
                jdbc.sql("SELECT count(*) FROM audit_event WHERE customer_id = :a")
                    .param("a", a)
                    .query(Long.class)
                    .single(),
                "machineCount",
                jdbc.sql("SELECT count(*) FROM machine WHERE name = 'Hijacked'").query(Long.class).single());
    }

}
