package dev.edp.masterdata.user;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import dev.edp.masterdata.Api;
import dev.edp.masterdata.MasterdataApiTests;
import dev.edp.test.service.EdpServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.edp.masterdata.Api.customerAdmin;
import static dev.edp.masterdata.Api.read;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user API's rules that hold before Keycloak is asked, and its answer when Keycloak
 * is not there (this context points at a closed port). The flows against the real
 * Keycloak are in {@link UserManagementIntegrationTests}.
 */
@EdpServiceTest
class UserApiIntegrationTests extends MasterdataApiTests {

    UUID customer;

    @BeforeEach
    void setUp() {
        customer = api.createCustomer("Users Ltd");
    }

    @Test
    void invalidUserIsRefusedWithFieldErrors() {
        HttpResponse<String> response = api.post("/customers/" + customer + "/users", customerAdmin(customer), """
                {"username":"No Spaces","email":"not-mail","firstName":"<script>","lastName":"","role":"root"}""");
        assertProblem(response, 400, "VALIDATION_FAILED");
        List<String> fields = read(response, "$.errors[*].field");
        assertThat(fields).contains("username", "email", "firstName", "lastName", "role");
    }

    @Test
    void customerAdminCanNeverGrantPlatformAdmin() {
        assertProblem(api.post("/customers/" + customer + "/users", customerAdmin(customer), """
                {"username":"sneaky","email":"s@x.example","firstName":"S","lastName":"X",
                 "role":"platform-admin"}"""), 403, "ROLE_NOT_GRANTABLE");
        assertProblem(api.put("/customers/" + customer + "/users/" + UUID.randomUUID() + "/role",
                customerAdmin(customer), "{\"role\":\"platform-admin\"}", null), 403, "ROLE_NOT_GRANTABLE");
    }

    @Test
    void operatorsAndViewersDoNotManageUsers() {
        for (String token : List.of(Api.operator(customer), Api.viewer(customer))) {
            assertProblem(api.get("/customers/" + customer + "/users", token), 403, "FORBIDDEN");
            assertProblem(api.post("/customers/" + customer + "/users", token, """
                    {"username":"newbie","email":"n@x.example","firstName":"N","lastName":"X","role":"viewer"}"""), 403,
                    "FORBIDDEN");
        }
    }

    @Test
    void unreachableKeycloakIsA503ProblemNeverA500() {
        String users = "/customers/" + customer + "/users";
        assertProblem(api.post(users, customerAdmin(customer), """
                {"username":"newbie","email":"n@x.example","firstName":"N","lastName":"X","role":"viewer"}"""), 503,
                "IDENTITY_PROVIDER_UNAVAILABLE");
        HttpResponse<String> list = api.get(users, customerAdmin(customer));
        assertProblem(list, 503, "IDENTITY_PROVIDER_UNAVAILABLE");
        assertThat(list.headers().firstValue("Retry-After")).hasValue("10");
        assertProblem(api.get(users + "/" + UUID.randomUUID(), customerAdmin(customer)), 503,
                "IDENTITY_PROVIDER_UNAVAILABLE");
        assertProblem(api.post(users + "/" + UUID.randomUUID() + "/disable", customerAdmin(customer), null), 503,
                "IDENTITY_PROVIDER_UNAVAILABLE");
    }

    @Test
    void usersOfAnUnknownCustomerAreNotFound() {
        assertProblem(api.get("/customers/" + UUID.randomUUID() + "/users", Api.root()), 404, "NOT_FOUND");
        assertProblem(api.get("/customers/" + customer + "/users?cursor=bad", customerAdmin(customer)), 400,
                "INVALID_CURSOR");
    }

}
