package dev.edp.systemtest;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Customers, their users and machines, through the gateway with real Keycloak tokens: the
 * platform admin creates customers and customer-admins (real Keycloak users who can log
 * in at once), they create operators and viewers, and nobody sees or changes another
 * customer's data.
 */
@ExtendWith(RunningPlatform.class)
class TenantsThroughTheGatewayIntegrationTests {

    static PlatformUsers users;

    @BeforeAll
    static void setUp(PlatformUsers shared) {
        users = shared;
    }

    static String api(String path) {
        return users.masterdata(path);
    }

    static String createCustomer(String admin, String code) {
        return users.createCustomer(admin, code);
    }

    static String createUserAndLogIn(String creator, String customerId, String username, String role) {
        return users.createUserAndLogIn(creator, customerId, username, role);
    }

    static String machine(String serial) {
        return PlatformUsers.machine(serial);
    }

    @Test
    void customersUsersAndMachinesStayWithinTheirTenant() {
        String admin = users.platformAdmin();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String customerA = createCustomer(admin, "a-" + suffix);
        String customerB = createCustomer(admin, "b-" + suffix);

        // A customer-admin created by the platform admin can log in right away, with
        // their customer.
        String adminOfA = createUserAndLogIn(admin, customerA, "cadmin-a-" + suffix, "customer-admin");
        HttpResponse<String> me = send("GET", users.platform().gatewayUrl() + "/api/me", null, null, adminOfA);
        assertThat(JsonPath.<String>read(me.body(), "$.customerId")).isEqualTo(customerA);
        assertThat(JsonPath.<List<String>>read(me.body(), "$.roles")).contains("customer-admin");

        String operatorOfA = createUserAndLogIn(adminOfA, customerA, "op-a-" + suffix, "operator");
        String viewerOfA = createUserAndLogIn(adminOfA, customerA, "view-a-" + suffix, "viewer");
        String adminOfB = createUserAndLogIn(admin, customerB, "cadmin-b-" + suffix, "customer-admin");
        String operatorOfB = createUserAndLogIn(adminOfB, customerB, "op-b-" + suffix, "operator");

        // A customer-admin can never grant platform-admin.
        HttpResponse<String> escalation = send("POST", api("/customers/" + customerA + "/users"), "application/json",
                "{\"username\":\"evil-" + suffix + "\",\"email\":\"evil@example.com\",\"firstName\":\"E\","
                        + "\"lastName\":\"Vil\",\"role\":\"platform-admin\"}",
                adminOfA);
        assertThat(escalation.statusCode()).isIn(400, 403);

        HttpResponse<String> created = send("POST", api("/machines"), "application/json", machine("SN-" + suffix),
                operatorOfA);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String machineId = JsonPath.read(created.body(), "$.id");
        String etag = created.headers().firstValue("ETag").orElseThrow();

        // Malformed JSON through the gateway: a problem, nothing written.
        assertProblem(send("POST", api("/machines"), "application/json", "{\"name\": ", operatorOfA), 400,
                "MALFORMED_REQUEST_BODY");

        // The viewer reads but cannot mutate.
        assertThat(send("GET", api("/machines/" + machineId), null, null, viewerOfA).statusCode()).isEqualTo(200);
        assertProblem(send("POST", api("/machines"), "application/json", machine("SN2-" + suffix), viewerOfA), 403,
                "FORBIDDEN");

        // Customer B's operator can neither see nor change A's machine, nor A's customer
        // record.
        assertProblem(send("GET", api("/machines/" + machineId), null, null, operatorOfB), 404, "NOT_FOUND");
        HttpResponse<String> update = send("PUT", api("/machines/" + machineId), "application/json",
                machine("STOLEN-" + suffix), operatorOfB);
        assertThat(update.statusCode()).isIn(404, 428);
        assertProblem(send("GET", api("/customers/" + customerA), null, null, operatorOfB), 404, "NOT_FOUND");
        HttpResponse<String> listOfB = send("GET", api("/machines"), null, null, operatorOfB);
        assertThat(listOfB.statusCode()).isEqualTo(200);
        assertThat(listOfB.body()).doesNotContain(machineId);
        HttpResponse<String> usersOfA = send("GET", api("/customers/" + customerA + "/users"), null, null, adminOfB);
        assertProblem(usersOfA, 404, "NOT_FOUND");

        // ... and A's machine is unchanged.
        HttpResponse<String> again = send("GET", api("/machines/" + machineId), null, null, operatorOfA);
        assertThat(JsonPath.<String>read(again.body(), "$.serialNumber")).isEqualTo("SN-" + suffix);
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);
    }

}
