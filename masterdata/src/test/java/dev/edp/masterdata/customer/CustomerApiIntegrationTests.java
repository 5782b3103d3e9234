package dev.edp.masterdata.customer;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.masterdata.Api;
import dev.edp.masterdata.MasterdataApiTests;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import org.junit.jupiter.api.Test;

import static dev.edp.masterdata.Api.etag;
import static dev.edp.masterdata.Api.read;
import static dev.edp.masterdata.Api.root;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@EdpServiceTest
class CustomerApiIntegrationTests extends MasterdataApiTests {

    @Test
    void platformAdminCreatesACustomerWithAuditFieldsETagAndAuditRecord() {
        String code = "acme-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> created = api.post("/customers", root(), """
                {"name":"  ACME Plastics ","code":"%s","contactEmail":"ops@acme.example"}""".formatted(code));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = read(created, "$.id");
        assertThat(created.headers().firstValue("Location")).hasValue("/api/masterdata/v1/customers/" + id);
        assertThat(etag(created)).isEqualTo("\"1\"");
        assertThat(read(created, "$.name").toString()).isEqualTo("ACME Plastics");
        assertThat(read(created, "$.code").toString()).isEqualTo(code);
        assertThat(read(created, "$.status").toString()).isEqualTo("ACTIVE");
        assertThat(read(created, "$.createdBy").toString()).isEqualTo("root");
        assertThat(read(created, "$.updatedBy").toString()).isEqualTo("root");
        assertThat(read(created, "$.createdAt").toString()).isNotBlank();

        HttpResponse<String> fetched = api.get("/customers/" + id, root());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(etag(fetched)).isEqualTo("\"1\"");

        Map<String, Object> audit = jdbc.sql("""
                SELECT actor, action, entity_type, entity_id, before::text AS before, after->>'code' AS code
                FROM audit_event WHERE customer_id = :id""").param("id", UUID.fromString(id)).query().singleRow();
        assertThat(audit).containsEntry("actor", "root")
            .containsEntry("action", "CUSTOMER_CREATED")
            .containsEntry("entity_type", "CUSTOMER")
            .containsEntry("entity_id", id)
            .containsEntry("before", null)
            .containsEntry("code", code);
    }

    @Test
    void invalidCustomerIsRefusedWithFieldErrorsAndNothingIsStored() {
        long before = count();
        HttpResponse<String> response = api.post("/customers", root(), """
                {"name":" ","code":"Not URL safe!","contactEmail":"nope"}""");

        assertProblem(response, 400, "VALIDATION_FAILED");
        List<String> fields = read(response, "$.errors[*].field");
        assertThat(fields).containsExactlyInAnyOrder("name", "code", "contactEmail");
        assertThat(count()).isEqualTo(before);

        assertProblem(api.post("/customers", root(), "{not json"), 400, "MALFORMED_REQUEST_BODY");
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void duplicateCodeIsAConflict() {
        String code = "dup-" + UUID.randomUUID().toString().substring(0, 6);
        String body = """
                {"name":"First","code":"%s","contactEmail":"a@b.example"}""".formatted(code);
        assertThat(api.post("/customers", root(), body).statusCode()).isEqualTo(201);

        assertProblem(api.post("/customers", root(), body.replace("First", "Second")), 409, "CUSTOMER_CODE_TAKEN");
        assertThat(jdbc.sql("SELECT count(*) FROM customer WHERE code = :code")
            .param("code", code)
            .query(Long.class)
            .single()).isEqualTo(1);
    }

    @Test
    void renameNeedsTheCurrentETag() {
        UUID id = api.createCustomer("Before");
        String path = "/customers/" + id;

        assertProblem(api.patch(path, root(), "{\"name\":\"After\"}", null), 428, "IF_MATCH_REQUIRED");
        assertProblem(api.patch(path, root(), "{\"name\":\"After\"}", "\"7\""), 412, "STALE_VERSION");
        assertProblem(api.patch(path, root(), "{\"name\":\"  \"}", "\"1\""), 400, "VALIDATION_FAILED");
        assertThat(name(id)).isEqualTo("Before");

        HttpResponse<String> renamed = api.patch(path, root(), "{\"name\":\"After\"}", "\"1\"");
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(etag(renamed)).isEqualTo("\"2\"");
        assertThat(read(renamed, "$.name").toString()).isEqualTo("After");
        assertThat(read(renamed, "$.contactEmail").toString()).endsWith(".example");

        // A second writer that read version 1 loses instead of overwriting.
        assertProblem(api.patch(path, root(), "{\"name\":\"Lost update\"}", "\"1\""), 412, "STALE_VERSION");
        assertThat(name(id)).isEqualTo("After");

        Map<String, Object> audit = jdbc.sql("""
                SELECT before->>'name' AS before, after->>'name' AS after FROM audit_event
                WHERE customer_id = :id AND action = 'CUSTOMER_UPDATED'""").param("id", id).query().singleRow();
        assertThat(audit).containsEntry("before", "Before").containsEntry("after", "After");
    }

    @Test
    void onlyAPlatformAdminCreatesRenamesOrDeactivates() {
        UUID id = api.createCustomer("Guarded");
        for (String token : List.of(Api.customerAdmin(id), Api.operator(id), Api.viewer(id))) {
            assertProblem(api.post("/customers", token, """
                    {"name":"X","code":"x-%s","contactEmail":"a@b.example"}"""
                .formatted(UUID.randomUUID().toString().substring(0, 6))), 403, "FORBIDDEN");
            assertProblem(api.patch("/customers/" + id, token, "{\"name\":\"Mine now\"}", "\"1\""), 403, "FORBIDDEN");
            assertProblem(api.post("/customers/" + id + "/deactivate", token, null), 403, "FORBIDDEN");
            assertProblem(api.post("/customers/" + id + "/activate", token, null), 403, "FORBIDDEN");
        }
        assertThat(name(id)).isEqualTo("Guarded");
        assertThat(status(id)).isEqualTo("ACTIVE");
    }

    @Test
    void everyoneButAPlatformAdminSeesOnlyTheirOwnCustomer() {
        UUID mine = api.createCustomer("Mine");
        UUID theirs = api.createCustomer("Theirs");

        HttpResponse<String> own = api.get("/customers?limit=500", Api.viewer(mine));
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(read(own, "$.items[*].id").toString()).contains(mine.toString()).doesNotContain(theirs.toString());
        assertThat((List<?>) read(own, "$.items")).hasSize(1);

        assertThat(api.get("/customers/" + mine, Api.viewer(mine)).statusCode()).isEqualTo(200);
        assertProblem(api.get("/customers/" + theirs, Api.viewer(mine)), 404, "NOT_FOUND");
        assertProblem(api.get("/customers/" + UUID.randomUUID(), root()), 404, "NOT_FOUND");
        assertProblem(api.get("/customers", TestJwtIssuer.token("nobody", null, "viewer")), 403, "NO_CUSTOMER");
    }

    @Test
    void listPagesByNameAndCreationWithFilters() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(api.createCustomer("Paging " + tag + " " + (char) ('g' - i)));
        }
        List<String> names = walk("/customers?q=" + tag + "&limit=3&sort=name", "$.items[*].name");
        assertThat(names).hasSize(7).isSorted();
        List<String> newestFirst = walk("/customers?q=" + tag.toUpperCase() + "&limit=2&sort=-createdAt",
                "$.items[*].id");
        assertThat(newestFirst).containsExactlyElementsOf(ids.reversed().stream().map(UUID::toString).toList());

        assertThat(walk("/customers?q=" + tag + "&status=DEACTIVATED", "$.items[*].id")).isEmpty();
        assertProblem(api.get("/customers?sort=code", root()), 400, "INVALID_SORT");
        assertProblem(api.get("/customers?limit=0", root()), 400, "INVALID_LIMIT");
        assertProblem(api.get("/customers?cursor=garbage", root()), 400, "INVALID_CURSOR");
        assertProblem(api.get("/customers?status=SLEEPING", root()), 400, "INVALID_PARAMETER");
        // A cursor made for one sort is refused by another, rather than misread.
        HttpResponse<String> first = api.get("/customers?q=" + tag + "&limit=1&sort=name", root());
        String cursor = Api.nextCursor(first);
        assertProblem(api.get("/customers?q=" + tag + "&limit=1&sort=createdAt&cursor=" + cursor, root()), 400,
                "INVALID_CURSOR");
    }

    @Test
    void deactivationWithoutKeycloakIsA503AndChangesNothing() {
        // This context has no Keycloak: the users cannot be disabled, so the customer
        // stays active.
        UUID id = api.createCustomer("Stays active");
        HttpResponse<String> response = api.post("/customers/" + id + "/deactivate", root(), null);
        assertProblem(response, 503, "IDENTITY_PROVIDER_UNAVAILABLE");
        assertThat(status(id)).isEqualTo("ACTIVE");
        assertThat(version(id)).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_event WHERE customer_id = :id AND action <> 'CUSTOMER_CREATED'")
            .param("id", id)
            .query(Long.class)
            .single()).isZero();
    }

    @Test
    void statusIsReadableByTheCustomersOwnCallersAndRefusesThemOnceDeactivated() {
        UUID id = api.createCustomer("Status");
        String path = "/customers/" + id + "/status";
        // Any caller of the customer may ask, even without an EDP role (a technical
        // client).
        for (String token : new String[] { Api.viewer(id), TestJwtIssuer.token("bot", id), root() }) {
            HttpResponse<String> response = api.get(path, token);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(read(response, "$.status").toString()).isEqualTo("ACTIVE");
            assertThat(read(response, "$.id").toString()).isEqualTo(id.toString());
        }
        assertProblem(api.get(path, Api.viewer(UUID.randomUUID())), 404, "NOT_FOUND");
        assertProblem(api.get("/customers/" + UUID.randomUUID() + "/status", root()), 404, "NOT_FOUND");
        // The platform's services (onboarding, for devices) may ask about any customer,
        // and nothing more.
        HttpResponse<String> asService = api.get(path, TestJwtIssuer.serviceToken());
        assertThat(asService.statusCode()).as(asService.body()).isEqualTo(200);
        assertThat(read(asService, "$.status").toString()).isEqualTo("ACTIVE");
        assertProblem(api.get("/customers/" + UUID.randomUUID() + "/status", TestJwtIssuer.serviceToken()), 404,
                "NOT_FOUND");
        assertProblem(api.get("/customers/" + id, TestJwtIssuer.serviceToken()), 403, "FORBIDDEN");

        jdbc.sql("UPDATE customer SET status = 'DEACTIVATED' WHERE id = :id").param("id", id).update();
        assertProblem(api.get(path, Api.viewer(id)), 403, "CUSTOMER_DEACTIVATED");
        assertProblem(api.get("/customers/" + id, Api.viewer(id)), 403, "CUSTOMER_DEACTIVATED");
        assertThat(read(api.get(path, root()), "$.status").toString()).isEqualTo("DEACTIVATED");
        assertThat(read(api.get(path, TestJwtIssuer.serviceToken()), "$.status").toString()).isEqualTo("DEACTIVATED");
    }

    @Test
    void reactivationNeedsNoKeycloakAndIsAudited() {
        UUID id = api.createCustomer("Comes back");
        jdbc.sql("UPDATE customer SET status = 'DEACTIVATED', version = 2 WHERE id = :id").param("id", id).update();

        assertProblem(api.send("POST", "/customers/" + id + "/activate", root(), null, "\"1\""), 412, "STALE_VERSION");
        HttpResponse<String> response = api.send("POST", "/customers/" + id + "/activate", root(), null, "\"2\"");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(read(response, "$.status").toString()).isEqualTo("ACTIVE");
        assertThat(etag(response)).isEqualTo("\"3\"");
        assertThat(
                jdbc.sql("SELECT count(*) FROM audit_event WHERE customer_id = :id AND action = 'CUSTOMER_ACTIVATED'")
                    .param("id", id)
                    .query(Long.class)
                    .single())
            .isEqualTo(1);
    }

    private List<String> walk(String path, String jsonPath) {
        List<String> values = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> page = api.get(path + (cursor == null ? "" : "&cursor=" + cursor), root());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            values.addAll(read(page, jsonPath));
            cursor = Api.nextCursor(page);
        }
        while (cursor != null);
        return values;
    }

    private long count() {
        return jdbc.sql("SELECT count(*) FROM customer").query(Long.class).single();
    }

    private String name(UUID id) {
        return jdbc.sql("SELECT name FROM customer WHERE id = :id").param("id", id).query(String.class).single();
    }

    private String status(UUID id) {
        return jdbc.sql("SELECT status FROM customer WHERE id = :id").param("id", id).query(String.class).single();
    }

    private long version(UUID id) {
        return jdbc.sql("SELECT version FROM customer WHERE id = :id").param("id", id).query(Long.class).single();
    }

}
