package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.security.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;

import static dev.edp.devicemanagement.Api.customerAdmin;
import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Applications, immutable releases, pins and four-eyes promotions. */
class PromotionIntegrationTests extends AbstractApiIntegrationTests {

    static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void releaseSnapshotsItsApplicationAndNeverChanges() {
        UUID release = api.release(customer, "vision", "2026.11.1");
        HttpResponse<String> read = api.get("/releases/" + release, viewer(customer));
        assertThat((String) read(read, "$.containers[0].image"))
            .isEqualTo("registry.example.com:5000/edp/vision:1.2.3");
        assertThat((String) read(read, "$.containers[0].env.LOG")).isEqualTo("info");
        assertThat((String) read(read, "$.containers[0].env.MODE")).isEqualTo("edge");
        assertThat((String) read(read, "$.containers[0].restartPolicy")).isEqualTo("always");
        assertThatThrownBy(
                () -> jdbc.sql("UPDATE release SET name = 'changed' WHERE id = :id").param("id", release).update())
            .hasMessageContaining("releases are immutable");
        assertProblem(
                api.post("/releases", operator(customer),
                        """
                                {"name":"2026.11.1","containers":[{"applicationId":"%s","digest":"%s"}]}"""
                            .formatted(UUID.fromString((String) read(read, "$.containers[0].applicationId")), DIGEST)),
                409, "RELEASE_NAME_TAKEN");
    }

    @Test
    void anApplicationAndItsAuditRecordShowItsStampAsPlainMembers() {
        HttpResponse<String> created = api.post("/applications", operator(customer),
                "{\"name\":\"stamped\",\"imageRepository\":\"docker.io/library/nginx\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> app = read(created, "$");
        assertThat(app).containsEntry("version", 1)
            .containsEntry("createdBy", "otto")
            .containsEntry("updatedBy", "otto")
            .containsKeys("createdAt", "updatedAt")
            .doesNotContainKey("stamp");
        assertThat((Map<String, Object>) read(api.get("/applications/" + app.get("id"), viewer(customer)), "$"))
            .isEqualTo(app);
        String audited = jdbc.sql("SELECT after::text FROM audit_event WHERE entity_id = :id")
            .param("id", app.get("id"))
            .query(String.class)
            .single();
        assertThat(JsonPath.<Map<String, Object>>read(audited, "$")).containsEntry("version", 1)
            .containsKeys("createdAt", "createdBy", "updatedAt", "updatedBy")
            .doesNotContainKey("stamp");
    }

    @Test
    void aPromotionShowsItsApprovalAsPlainMembersInTheApiTheListAndTheAuditTrail() {
        api.pinTesting(customer, api.release(customer, "approval-app", "approval-r1"));
        HttpResponse<String> requested = api.post("/promotions", TestJwtIssuer.token("rita", customer, "operator"),
                "{\"targetEnvironment\":\"STAGING\"}");
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
        Map<String, Object> open = read(requested, "$");
        assertThat(open).containsEntry("status", "REQUESTED")
            .containsEntry("requestedBy", "rita")
            .containsKey("requestedAt")
            .doesNotContainKey("approval");
        assertThat(open.get("decidedBy")).isNull();

        HttpResponse<String> approved = api.post("/promotions/" + open.get("id") + "/approve", customerAdmin(customer),
                "{\"reason\":\"fine\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        Map<String, Object> decided = read(approved, "$");
        assertThat(decided).containsEntry("status", "APPROVED")
            .containsEntry("requestedBy", "rita")
            .containsEntry("decidedBy", "ada")
            .containsEntry("reason", "fine")
            .containsKey("decidedAt")
            .doesNotContainKey("approval");
        List<Map<String, Object>> listed = read(api.get("/promotions", viewer(customer)), "$.items");
        assertThat(listed).containsExactly(decided);
        String audited = jdbc.sql("""
                SELECT after::text FROM audit_event WHERE entity_id = :id AND action = 'PROMOTION_APPROVED'
                """).param("id", open.get("id")).query(String.class).single();
        assertThat(JsonPath.<Map<String, Object>>read(audited, "$")).containsEntry("status", "APPROVED")
            .containsEntry("decidedBy", "ada")
            .containsEntry("requestedBy", "rita")
            .doesNotContainKey("approval");
    }

    @Test
    void invalidImageReferencesAreRefused() {
        assertProblem(api.post("/applications", operator(customer),
                "{\"name\":\"x\",\"imageRepository\":\"Registry/UPPER case\"}"), 400, "VALIDATION_FAILED");
        assertProblem(
                api.post("/applications", operator(customer), "{\"name\":\"x\",\"imageRepository\":\"nginx:1.25\"}"),
                400, "VALIDATION_FAILED");
        HttpResponse<String> app = api.post("/applications", operator(customer),
                "{\"name\":\"nginx\",\"imageRepository\":\"docker.io/library/nginx\"}");
        assertThat(app.statusCode()).as(app.body()).isEqualTo(201);
        String appId = read(app, "$.id");
        assertProblem(api.post("/releases", operator(customer), """
                {"name":"r1","containers":[{"applicationId":"%s","tag":"-bad tag"}]}""".formatted(appId)), 400,
                "VALIDATION_FAILED");
        assertProblem(api.post("/releases", operator(customer), """
                {"name":"r1","containers":[{"applicationId":"%s","digest":"sha256:xyz"}]}""".formatted(appId)), 400,
                "VALIDATION_FAILED");
        assertProblem(api.post("/releases", operator(customer), """
                {"name":"r1","containers":[{"applicationId":"%s","tag":"1","digest":"%s"}]}""".formatted(appId,
                DIGEST)), 400, "IMAGE_TAG_OR_DIGEST");
        HttpResponse<String> ok = api.post("/releases", operator(customer), """
                {"name":"r1","containers":[{"applicationId":"%s","digest":"%s"}]}""".formatted(appId, DIGEST));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        assertThat((String) read(ok, "$.containers[0].image")).isEqualTo("docker.io/library/nginx@" + DIGEST);
    }

    @Test
    void promotionNeedsASecondPersonAndPinsTheTarget() {
        UUID r1 = api.release(customer, "app", "r1");
        assertProblem(api.post("/promotions", operator(customer), "{\"targetEnvironment\":\"STAGING\"}"), 409,
                "NOTHING_TO_PROMOTE");
        api.pinTesting(customer, r1);
        assertProblem(
                api.put("/environments/STAGING/release", operator(customer), "{\"releaseId\":\"" + r1 + "\"}", null),
                409, "PROMOTION_REQUIRED");

        String requester = TestJwtIssuer.token("rita", customer, "customer-admin");
        HttpResponse<String> requested = api.post("/promotions", requester, "{\"targetEnvironment\":\"STAGING\"}");
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
        String promotion = read(requested, "$.id");

        assertProblem(api.post("/promotions/" + promotion + "/approve", requester, null), 403, "SELF_APPROVAL");
        assertProblem(api.post("/promotions/" + promotion + "/approve", operator(customer), null), 403, "FORBIDDEN");
        assertProblem(api.post("/promotions/" + promotion + "/approve", customerAdmin(UUID.randomUUID()), null), 404,
                "NOT_FOUND");
        assertThat(api.pinned(customer, "STAGING")).isNull();

        HttpResponse<String> approved = api.post("/promotions/" + promotion + "/approve", customerAdmin(customer),
                "{\"reason\":\"looks good\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat((String) read(approved, "$.status")).isEqualTo("APPROVED");
        assertThat((String) read(approved, "$.decidedBy")).isEqualTo("ada");
        assertThat(api.pinned(customer, "STAGING")).isEqualTo(r1.toString());
        assertProblem(api.post("/promotions/" + promotion + "/reject", customerAdmin(customer), null), 409,
                "PROMOTION_DECIDED");

        // And on to PRODUCTION, approved by a platform admin.
        String toProduction = read(
                api.post("/promotions", operator(customer), "{\"targetEnvironment\":\"PRODUCTION\"}"), "$.id");
        assertThat(api.post("/promotions/" + toProduction + "/approve", Api.root(), null).statusCode()).isEqualTo(200);
        assertThat(api.pinned(customer, "PRODUCTION")).isEqualTo(r1.toString());
    }

    @Test
    void theDatabaseRefusesAPromotionApprovedByItsRequesterWhateverTheCodeDoes() {
        api.pinTesting(customer, api.release(customer, "app", "r1"));
        UUID promotion = UUID.fromString(
                read(api.post("/promotions", operator(customer), "{\"targetEnvironment\":\"STAGING\"}"), "$.id"));

        assertThatThrownBy(() -> jdbc.sql("""
                UPDATE promotion SET status = 'APPROVED', decided_by = requested_by,
                                     decided_by_subject = requested_by_subject, decided_at = now()
                WHERE id = :id""").param("id", promotion).update()).isInstanceOf(DataIntegrityViolationException.class)
            .hasMessageContaining("promotion_four_eyes");
        assertThatThrownBy(() -> jdbc.sql("UPDATE promotion SET status = 'APPROVED' WHERE id = :id")
            .param("id", promotion)
            .update()).isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("promotion_four_eyes");
        assertThat((String) read(api.get("/promotions/" + promotion, viewer(customer)), "$.status"))
            .isEqualTo("REQUESTED");
        // Someone else's approval is what the constraint lets through.
        assertThat(jdbc.sql("""
                UPDATE promotion SET status = 'APPROVED', decided_by = 'ada', decided_by_subject = 'another-subject',
                                     decided_at = now()
                WHERE id = :id""").param("id", promotion).update()).isEqualTo(1);
    }

    @Test
    void promotionBasedOnAnOutdatedPinIsStaleAndCanBeRejected() {
        UUID r1 = api.release(customer, "app", "r1");
        UUID r2 = api.release(customer, "app", "r2");
        api.pinTesting(customer, r1);
        String promotion = read(api.post("/promotions", operator(customer), "{\"targetEnvironment\":\"STAGING\"}"),
                "$.id");
        api.pinTesting(customer, r2);
        assertProblem(api.post("/promotions/" + promotion + "/approve", customerAdmin(customer), null), 409,
                "STALE_PROMOTION");
        assertThat(api.pinned(customer, "STAGING")).isNull();
        HttpResponse<String> rejected = api.post("/promotions/" + promotion + "/reject", customerAdmin(customer),
                "{\"reason\":\"stale\"}");
        assertThat((String) read(rejected, "$.status")).isEqualTo("REJECTED");
        assertThat(api.pinned(customer, "STAGING")).isNull();
        assertThat((List<String>) read(api.get("/promotions", viewer(customer)), "$.items[*].status"))
            .containsExactly("REJECTED");
    }

    @Test
    void rollbackPinsAPreviousReleaseThroughTheSamePath() {
        UUID r1 = api.release(customer, "app", "r1");
        UUID r2 = api.release(customer, "app", "r2");
        for (UUID release : List.of(r1, r2)) {
            api.pinTesting(customer, release);
            String id = read(api.post("/promotions", operator(customer), "{\"targetEnvironment\":\"STAGING\"}"),
                    "$.id");
            assertThat(api.post("/promotions/" + id + "/approve", customerAdmin(customer), null).statusCode())
                .isEqualTo(200);
        }
        assertThat(api.pinned(customer, "STAGING")).isEqualTo(r2.toString());
        UUID never = api.release(customer, "app", "r3");
        assertProblem(
                api.post("/promotions", operator(customer),
                        "{\"targetEnvironment\":\"STAGING\",\"releaseId\":\"" + never + "\"}"),
                409, "NOT_PREVIOUSLY_PINNED");
        HttpResponse<String> rollback = api.post("/promotions", operator(customer),
                "{\"targetEnvironment\":\"STAGING\",\"releaseId\":\"" + r1 + "\"}");
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(201);
        assertThat((Boolean) read(rollback, "$.rollback")).isTrue();
        assertProblem(api.post("/promotions/" + read(rollback, "$.id") + "/approve", operator(customer), null), 403,
                "FORBIDDEN");
        assertThat(api.post("/promotions/" + read(rollback, "$.id") + "/approve", customerAdmin(customer), null)
            .statusCode()).isEqualTo(200);
        assertThat(api.pinned(customer, "STAGING")).isEqualTo(r1.toString());
        assertThat((List<?>) read(api.get("/promotions", viewer(customer)), "$.items")).hasSize(3);
    }

    @Test
    void anotherCustomersDeploymentsAreNotFoundAndUnchanged() {
        UUID owner = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID r1 = api.release(owner, "app", "r1");
        api.pinTesting(owner, r1);
        String promotion = read(api.post("/promotions", operator(owner), "{\"targetEnvironment\":\"STAGING\"}"),
                "$.id");
        String app = read(api.get("/releases/" + r1, viewer(owner)), "$.containers[0].applicationId");

        assertProblem(api.get("/releases/" + r1, operator(other)), 404, "NOT_FOUND");
        assertProblem(api.get("/applications/" + app, operator(other)), 404, "NOT_FOUND");
        assertProblem(api.get("/promotions/" + promotion, operator(other)), 404, "NOT_FOUND");
        assertProblem(api.post("/promotions/" + promotion + "/reject", customerAdmin(other), null), 404, "NOT_FOUND");
        assertProblem(api.put("/environments/TESTING/release", operator(other), "{\"releaseId\":\"" + r1 + "\"}", null),
                404, "NOT_FOUND");
        assertProblem(api.post("/releases", operator(other), """
                {"name":"steal","containers":[{"applicationId":"%s","tag":"1"}]}""".formatted(app)), 400,
                "UNKNOWN_APPLICATION");
        assertThat((List<?>) read(api.get("/releases", operator(other)), "$.items")).isEmpty();
        assertThat((List<?>) read(api.get("/applications", operator(other)), "$.items")).isEmpty();
        assertThat((List<?>) read(api.get("/promotions", operator(other)), "$.items")).isEmpty();
        assertThat((List<?>) read(api.get("/environments", operator(other)), "$")).isEmpty();
        assertThat((String) read(api.get("/promotions/" + promotion, viewer(owner)), "$.status"))
            .isEqualTo("REQUESTED");
    }

}
