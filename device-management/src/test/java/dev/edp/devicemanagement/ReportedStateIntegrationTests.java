package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.devicemanagement.TestDevices.reportState;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Devices report per-container states; operators read them and the fleet summary. */
class ReportedStateIntegrationTests extends AbstractApiIntegrationTests {

    @Test
    void reportReplacesContainersAndVersions() {
        UUID device = api.registerDevice(customer, "reporter");
        HttpResponse<String> first = reportState(checks.baseUrl(), device, customer,
                """
                        {"agentVersion":"1.4.0","osVersion":"Debian 13","containers":[
                          {"name":"vision","image":"r.example/vision:1","state":"ready"},
                          {"name":"opc","image":"r.example/opc:2","state":"reconciliation failed","message":"pull denied"}]}""");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(204);
        HttpResponse<String> containers = api.get("/devices/" + device + "/containers", viewer(customer));
        assertThat((List<String>) read(containers, "$.containers[*].state")).containsExactly("reconciliation failed",
                "ready");
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.agentVersion")).isEqualTo("1.4.0");

        assertThat(reportState(checks.baseUrl(), device, customer, """
                {"containers":[{"name":"vision","state":"deleting"}]}""").statusCode()).isEqualTo(204);
        containers = api.get("/devices/" + device + "/containers", viewer(customer));
        assertThat((List<String>) read(containers, "$.containers[*].name")).containsExactly("vision");
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.osVersion"))
            .isEqualTo("Debian 13");
    }

    @Test
    void badReportsAndOtherCustomersAreRefusedAndChangeNothing() {
        UUID device = api.registerDevice(customer, "strict");
        assertProblem(reportState(checks.baseUrl(), device, customer, """
                {"containers":[{"name":"x","state":"running"}]}"""), 400, "VALIDATION_FAILED");
        assertProblem(reportState(checks.baseUrl(), device, UUID.randomUUID(), """
                {"containers":[{"name":"x","state":"ready"}]}"""), 404, "NOT_FOUND");
        assertProblem(api.get("/devices/" + device + "/containers", operator(UUID.randomUUID())), 404, "NOT_FOUND");
        assertThat((List<?>) read(api.get("/devices/" + device + "/containers", viewer(customer)), "$.containers"))
            .isEmpty();
    }

    @Test
    void fleetSummaryCountsByEnvironmentConnectivityAndLifecycleForTheCallersCustomerOnly() {
        UUID a = api.registerDevice(customer, "a");
        api.registerDevice(customer, "b");
        UUID c = api.registerDevice(customer, "c");
        activeDevice(customer, "d");
        api.registerDevice(UUID.randomUUID(), "elsewhere");
        jdbc.sql("UPDATE device SET connectivity = 'ONLINE', lifecycle = 'ACTIVE' WHERE id = :id")
            .param("id", a)
            .update();
        api.send("POST", "/devices/" + c + "/decommission", operator(customer), null, "\"1\"");
        HttpResponse<String> summary = api.get("/fleet/summary", viewer(customer));
        assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
        // The portal's overview counts pending and active devices from the same rows.
        assertThat((List<String>) read(summary, "$[*].connectivity")).containsExactly("ONLINE", "UNKNOWN", "UNKNOWN");
        assertThat((List<String>) read(summary, "$[*].lifecycle")).containsExactly("ACTIVE", "ACTIVE",
                "PENDING_ONBOARDING");
        assertThat((List<Integer>) read(summary, "$[*].devices")).containsExactly(1, 1, 1);
        assertProblem(api.get("/fleet/summary?customerId=" + UUID.randomUUID(), viewer(customer)), 404, "NOT_FOUND");
    }

}
