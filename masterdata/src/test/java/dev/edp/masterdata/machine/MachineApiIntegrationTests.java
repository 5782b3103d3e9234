package dev.edp.masterdata.machine;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.masterdata.MasterdataApiTests;
import dev.edp.test.service.EdpServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.edp.masterdata.Api.etag;
import static dev.edp.masterdata.Api.operator;
import static dev.edp.masterdata.Api.read;
import static dev.edp.masterdata.Api.root;
import static dev.edp.masterdata.Api.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@EdpServiceTest
class MachineApiIntegrationTests extends MasterdataApiTests {

    UUID customer;

    @BeforeEach
    void setUp() {
        customer = api.createCustomer("Machines Inc");
    }

    @Test
    void operatorCreatesReadsUpdatesAndDeletesAMachine() {
        HttpResponse<String> created = api.post("/machines", operator(customer), """
                {"name":"Arburg 1","type":"INJECTION_MOULDING","manufacturer":"Arburg","model":"Allrounder 470",
                 "serialNumber":"AR-470-001","site":"Lossburg","location":"Hall 2, line 3",
                 "commissioningDate":"2024-05-17","labels":{"line":"3","cell":"a"}}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = read(created, "$.id");
        assertThat(etag(created)).isEqualTo("\"1\"");
        assertThat(created.headers().firstValue("Location")).hasValue("/api/masterdata/v1/machines/" + id);
        assertThat(read(created, "$.customerId").toString()).isEqualTo(customer.toString());
        assertThat(read(created, "$.type").toString()).isEqualTo("INJECTION_MOULDING");
        assertThat(read(created, "$.commissioningDate").toString()).isEqualTo("2024-05-17");
        assertThat(read(created, "$.labels").toString()).isEqualTo("{cell=a, line=3}");
        assertThat(read(created, "$.createdBy").toString()).isEqualTo("otto");

        HttpResponse<String> fetched = api.get("/machines/" + id, viewer(customer));
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(etag(fetched)).isEqualTo("\"1\"");
        assertThat(read(fetched, "$.location").toString()).isEqualTo("Hall 2, line 3");

        String update = """
                {"name":"Arburg 1","type":"INJECTION_MOULDING","manufacturer":"Arburg","model":"Allrounder 470",
                 "serialNumber":"AR-470-001","site":"Lossburg","location":"Hall 4","labels":{"line":"4"}}""";
        HttpResponse<String> updated = api.put("/machines/" + id, operator(customer), update, etag(fetched));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(etag(updated)).isEqualTo("\"2\"");
        assertThat(read(updated, "$.location").toString()).isEqualTo("Hall 4");
        assertThat(read(updated, "$.labels").toString()).isEqualTo("{line=4}");
        assertThat(read(updated, "$").toString()).doesNotContain("commissioningDate");

        assertProblem(api.delete("/machines/" + id, operator(customer), null), 428, "IF_MATCH_REQUIRED");
        assertProblem(api.delete("/machines/" + id, operator(customer), "\"1\""), 412, "STALE_VERSION");
        assertThat(api.delete("/machines/" + id, operator(customer), "\"2\"").statusCode()).isEqualTo(204);
        assertProblem(api.get("/machines/" + id, viewer(customer)), 404, "NOT_FOUND");

        List<Map<String, Object>> audit = jdbc.sql("""
                SELECT action, actor, before->>'location' AS before, after->>'location' AS after FROM audit_event
                WHERE entity_id = :id ORDER BY at""").param("id", id).query().listOfRows();
        assertThat(audit).extracting(row -> row.get("action"))
            .containsExactly("MACHINE_CREATED", "MACHINE_UPDATED", "MACHINE_DELETED");
        assertThat(audit.get(0)).containsEntry("before", null).containsEntry("after", "Hall 2, line 3");
        assertThat(audit.get(1)).containsEntry("before", "Hall 2, line 3").containsEntry("after", "Hall 4");
        assertThat(audit.get(2)).containsEntry("before", "Hall 4")
            .containsEntry("after", null)
            .containsEntry("actor", "otto");
    }

    @Test
    void invalidMachineIsRefusedWithFieldErrorsAndNothingIsStored() {
        HttpResponse<String> response = api.post("/machines", operator(customer), """
                {"name":"","type":"LATHE","serialNumber":"%s",
                 "labels":{"bad key!":"x","ok":"line\\nbreak"}}""".formatted("S".repeat(101)));

        assertProblem(response, 400, "VALIDATION_FAILED");
        List<String> fields = read(response, "$.errors[*].field");
        assertThat(fields).contains("name", "type", "serialNumber");
        assertThat(fields).filteredOn(field -> field.startsWith("labels")).hasSize(2);
        assertThat(machines()).isZero();

        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        response = api.post("/machines", operator(customer), """
                {"name":"M","type":"CNC","serialNumber":"S1","labels":%s}}""".formatted(many));
        assertProblem(response, 400, "VALIDATION_FAILED");
        assertThat(read(response, "$.errors[0].field").toString()).isEqualTo("labels");
        assertProblem(api.post("/machines", operator(customer), """
                {"name":"M","type":"CNC","serialNumber":"S1","commissioningDate":"yesterday"}"""), 400,
                "MALFORMED_REQUEST_BODY");
        assertThat(machines()).isZero();
    }

    @Test
    void serialNumberIsUniquePerCustomer() {
        UUID first = api.createMachine(customer, "One", "SN-1");
        UUID second = api.createMachine(customer, "Two", "SN-2");
        assertProblem(api.post("/machines", operator(customer), """
                {"name":"Again","type":"CNC","serialNumber":"SN-1"}"""), 409, "MACHINE_SERIAL_TAKEN");

        // Changing a machine to another's serial is the same conflict, and changes
        // nothing.
        assertProblem(api.put("/machines/" + second, operator(customer), """
                {"name":"Two","type":"CNC","serialNumber":"SN-1"}""", "\"1\""), 409, "MACHINE_SERIAL_TAKEN");
        assertThat(jdbc.sql("SELECT serial_number FROM machine WHERE id = :id")
            .param("id", second)
            .query(String.class)
            .single()).isEqualTo("SN-2");

        // Another customer may have the same serial number.
        UUID other = api.createCustomer("Other");
        assertThat(api.createMachine(other, "One", "SN-1")).isNotEqualTo(first);
        assertThat(machines()).isEqualTo(2);
    }

    @Test
    void listFiltersByTypeSiteSerialLabelAndName() {
        api.createMachine(customer, "Mill A", "F-1");
        api.post("/machines", operator(customer), """
                {"name":"Press B","type":"INJECTION_MOULDING","serialNumber":"F-2","site":"Plant 2",
                 "manufacturer":"Engel","labels":{"line":"7","zone":"x"}}""");
        api.post("/machines", operator(customer), """
                {"name":"Robot C","type":"ASSEMBLY","serialNumber":"F-3","site":"Plant 2","labels":{"line":"7"}}""");

        assertThat(names("")).containsExactly("Mill A", "Press B", "Robot C");
        assertThat(names("&sort=-name")).containsExactly("Robot C", "Press B", "Mill A");
        assertThat(names("&type=ASSEMBLY")).containsExactly("Robot C");
        assertThat(names("&site=Plant%202")).containsExactly("Press B", "Robot C");
        assertThat(names("&manufacturer=Engel")).containsExactly("Press B");
        assertThat(names("&serialNumber=F-1")).containsExactly("Mill A");
        assertThat(names("&label=line:7")).containsExactly("Press B", "Robot C");
        assertThat(names("&label=line:7&label=zone:x")).containsExactly("Press B");
        assertThat(names("&q=ESS")).containsExactly("Press B");
        assertThat(names("&q=%25")).isEmpty();
        assertProblem(api.get("/machines?label=nocolon", viewer(customer)), 400, "INVALID_LABEL_FILTER");
        assertProblem(api.get("/machines?type=LATHE", viewer(customer)), 400, "INVALID_PARAMETER");
        assertProblem(api.get("/machines?sort=serialNumber", viewer(customer)), 400, "INVALID_SORT");
    }

    @Test
    void platformAdminNamesTheCustomerAndAnUnknownCustomerIsNotFound() {
        String body = """
                {"name":"M","type":"OTHER","serialNumber":"P-1"%s}""";
        assertProblem(api.post("/machines", root(), body.formatted("")), 400, "CUSTOMER_REQUIRED");
        assertProblem(api.post("/machines", root(), body.formatted(",\"customerId\":\"" + UUID.randomUUID() + "\"")),
                404, "NOT_FOUND");
        HttpResponse<String> created = api.post("/machines", root(),
                body.formatted(",\"customerId\":\"" + customer + "\""));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(read(created, "$.customerId").toString()).isEqualTo(customer.toString());

        // A machine never moves to another customer.
        String id = read(created, "$.id");
        assertProblem(
                api.put("/machines/" + id, root(),
                        body.formatted(",\"customerId\":\"" + api.createCustomer("Elsewhere") + "\""), "\"1\""),
                400, "CUSTOMER_CANNOT_CHANGE");
    }

    @Test
    void viewerCannotChangeMachines() {
        UUID machine = api.createMachine(customer, "Read only", "V-1");
        String body = """
                {"name":"Changed","type":"CNC","serialNumber":"V-2"}""";
        assertProblem(api.post("/machines", viewer(customer), body), 403, "FORBIDDEN");
        assertProblem(api.put("/machines/" + machine, viewer(customer), body, "\"1\""), 403, "FORBIDDEN");
        assertProblem(api.delete("/machines/" + machine, viewer(customer), "\"1\""), 403, "FORBIDDEN");
        assertThat(machines()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT name || version FROM machine WHERE id = :id")
            .param("id", machine)
            .query(String.class)
            .single()).isEqualTo("Read only1");
    }

    @Test
    void deactivatedCustomersOwnCallersAreRefusedAndPlatformAdminCanReadButNotChange() {
        UUID machine = api.createMachine(customer, "Frozen", "D-1");
        jdbc.sql("UPDATE customer SET status = 'DEACTIVATED' WHERE id = :id").param("id", customer).update();

        // The customer's own users are refused at once, whatever they ask (masterdata
        // reads its own database).
        assertProblem(api.get("/machines/" + machine, viewer(customer)), 403, "CUSTOMER_DEACTIVATED");
        assertProblem(api.post("/machines", operator(customer), """
                {"name":"New","type":"CNC","serialNumber":"D-2"}"""), 403, "CUSTOMER_DEACTIVATED");
        // A platform admin still reads the customer's data but cannot change it.
        assertThat(api.get("/machines/" + machine, root()).statusCode()).isEqualTo(200);
        assertProblem(api.post("/machines", root(), """
                {"customerId":"%s","name":"New","type":"CNC","serialNumber":"D-2"}""".formatted(customer)), 409,
                "CUSTOMER_DEACTIVATED");
        assertProblem(api.put("/machines/" + machine, root(), """
                {"name":"Thawed","type":"CNC","serialNumber":"D-1"}""", "\"1\""), 409, "CUSTOMER_DEACTIVATED");
        assertProblem(api.delete("/machines/" + machine, root(), "\"1\""), 409, "CUSTOMER_DEACTIVATED");
        assertThat(machines()).isEqualTo(1);
    }

    private List<String> names(String query) {
        HttpResponse<String> response = api.get("/machines?limit=100" + query, viewer(customer));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return read(response, "$.items[*].name");
    }

    private long machines() {
        return jdbc.sql("SELECT count(*) FROM machine WHERE customer_id = :id")
            .param("id", customer)
            .query(Long.class)
            .single();
    }

}
