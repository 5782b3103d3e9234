package dev.edp.masterdata.audit;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.edp.masterdata.Api;
import dev.edp.masterdata.MasterdataApiTests;
import dev.edp.test.service.EdpServiceTest;
import org.junit.jupiter.api.Test;

import static dev.edp.masterdata.Api.read;
import static dev.edp.masterdata.Api.root;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@EdpServiceTest
class AuditApiIntegrationTests extends MasterdataApiTests {

    @Test
    void customerAdminPagesThroughTheTrailNewestFirstWithBeforeAndAfter() {
        UUID customer = api.createCustomer("Audited");
        UUID machine = api.createMachine(customer, "Watched", "W-1");
        api.put("/machines/" + machine, Api.operator(customer), """
                {"name":"Watched closely","type":"CNC","serialNumber":"W-1"}""", "\"1\"");
        api.patch("/customers/" + customer, root(), "{\"name\":\"Audited Ltd\"}", "\"1\"");

        List<String> actions = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> page = api.get(
                    "/customers/" + customer + "/audit?limit=1" + (cursor == null ? "" : "&cursor=" + cursor),
                    Api.customerAdmin(customer));
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            actions.addAll(read(page, "$.items[*].action"));
            cursor = Api.nextCursor(page);
        }
        while (cursor != null);
        assertThat(actions).containsExactly("CUSTOMER_UPDATED", "MACHINE_UPDATED", "MACHINE_CREATED",
                "CUSTOMER_CREATED");

        HttpResponse<String> all = api.get("/customers/" + customer + "/audit", root());
        assertThat(read(all, "$.items[1].entityType").toString()).isEqualTo("MACHINE");
        assertThat(read(all, "$.items[1].entityId").toString()).isEqualTo(machine.toString());
        assertThat(read(all, "$.items[1].actor").toString()).isEqualTo("otto");
        assertThat(read(all, "$.items[1].before.name").toString()).isEqualTo("Watched");
        assertThat(read(all, "$.items[1].after.name").toString()).isEqualTo("Watched closely");
        assertThat(read(all, "$.items[1].after.version").toString()).isEqualTo("2");
        assertThat(read(all, "$.items[3]").toString()).doesNotContain("before=");
    }

    @Test
    void onlyAdminsOfTheCustomerReadItsTrail() {
        UUID customer = api.createCustomer("Private trail");
        assertProblem(api.get("/customers/" + customer + "/audit", Api.operator(customer)), 403, "FORBIDDEN");
        assertProblem(api.get("/customers/" + customer + "/audit", Api.viewer(customer)), 403, "FORBIDDEN");
        assertProblem(api.get("/customers/" + customer + "/audit", Api.customerAdmin(UUID.randomUUID())), 404,
                "NOT_FOUND");
        assertProblem(api.get("/customers/" + UUID.randomUUID() + "/audit", root()), 404, "NOT_FOUND");
        assertProblem(api.get("/customers/" + customer + "/audit?cursor=nope", root()), 400, "INVALID_CURSOR");
    }

}
