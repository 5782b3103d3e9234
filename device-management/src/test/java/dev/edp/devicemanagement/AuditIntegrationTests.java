package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static dev.edp.devicemanagement.Api.customerAdmin;
import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The audit trail endpoint: newest first, keyset-paged, each customer's own. */
class AuditIntegrationTests extends AbstractApiIntegrationTests {

    @Test
    void aCustomerAdminPagesTheirOwnTrailNewestFirstWithBeforeAndAfter() {
        UUID a = api.registerDevice(customer, "one");
        UUID b = api.registerDevice(customer, "two");
        api.moveDirectly(customer, a, "STAGING");
        api.registerDevice(UUID.randomUUID(), "elsewhere");

        List<String> actions = new ArrayList<>();
        List<String> entities = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> page = api.get("/audit?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                    customerAdmin(customer));
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            actions.addAll(read(page, "$.items[*].action"));
            entities.addAll(read(page, "$.items[*].entityId"));
            assertThat((List<String>) read(page, "$.items[*].customerId")).containsOnly(customer.toString());
            cursor = Api.nextCursor(page);
        }
        while (cursor != null);
        assertThat(actions).containsExactly("DEVICE_MOVED", "DEVICE_REGISTERED", "DEVICE_REGISTERED");
        assertThat(entities).containsExactly(a.toString(), b.toString(), a.toString());

        HttpResponse<String> newest = api.get("/audit?limit=1", customerAdmin(customer));
        assertThat((String) read(newest, "$.items[0].before.environment")).isEqualTo("TESTING");
        assertThat((String) read(newest, "$.items[0].after.environment")).isEqualTo("STAGING");
        assertThat((String) read(newest, "$.items[0].actor")).isEqualTo("otto");

        HttpResponse<String> asRoot = api.get("/audit?customerId=" + customer, Api.root());
        assertThat((List<String>) read(asRoot, "$.items[*].action")).hasSize(3);
    }

    @Test
    void oneDevicesTrailForItsPage() {
        UUID a = api.registerDevice(customer, "tracked");
        UUID b = api.registerDevice(customer, "other");
        api.moveDirectly(customer, a, "STAGING");
        HttpResponse<String> trail = api.get("/audit?entityId=" + a, customerAdmin(customer));
        assertThat(trail.statusCode()).as(trail.body()).isEqualTo(200);
        assertThat((List<String>) read(trail, "$.items[*].action")).containsExactly("DEVICE_MOVED",
                "DEVICE_REGISTERED");
        assertThat((List<String>) read(trail, "$.items[*].entityId")).containsOnly(a.toString());
        assertThat((List<String>) read(api.get("/audit?entityId=" + b, customerAdmin(customer)), "$.items[*].action"))
            .containsExactly("DEVICE_REGISTERED");
        // Another customer's admin learns nothing about the device, with or without
        // naming its customer.
        assertThat((List<?>) read(api.get("/audit?entityId=" + a, customerAdmin(UUID.randomUUID())), "$.items"))
            .isEmpty();
        assertThat(api.get("/audit?entityId=not-a-uuid", customerAdmin(customer)).statusCode()).isEqualTo(400);
    }

    @Test
    void anotherCustomersTrailIsNotFoundAndOperatorsAndViewersAreRefused() {
        api.registerDevice(customer, "audited");
        assertProblem(api.get("/audit?customerId=" + customer, customerAdmin(UUID.randomUUID())), 404, "NOT_FOUND");
        assertProblem(api.get("/audit", operator(customer)), 403, "FORBIDDEN");
        assertProblem(api.get("/audit", viewer(customer)), 403, "FORBIDDEN");
        assertProblem(api.get("/audit?cursor=garbage", customerAdmin(customer)), 400, "INVALID_CURSOR");
        assertProblem(api.get("/audit?limit=0", customerAdmin(customer)), 400, "INVALID_LIMIT");
    }

}
