package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import dev.edp.test.security.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;

import static dev.edp.devicemanagement.Api.customerAdmin;
import static dev.edp.devicemanagement.Api.etag;
import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Moving a device down out of STAGING or PRODUCTION takes a second person; moving up
 * stays direct.
 */
class DeviceMoveIntegrationTests extends AbstractApiIntegrationTests {

    static String moveBody(UUID device, String target) {
        return "{\"deviceId\":\"" + device + "\",\"targetEnvironment\":\"" + target + "\"}";
    }

    /**
     * The test's customer runs r-approved in PRODUCTION and r-testing (never approved) in
     * TESTING; its device is in PRODUCTION.
     */
    record Fleet(UUID device, UUID approved, UUID unapproved) {
    }

    Fleet productionFleet() {
        UUID device = api.enrollDevice(customer, "press-1");
        UUID approved = api.releaseInProduction(customer, "r-approved");
        UUID unapproved = api.release(customer, "app", "r-testing");
        api.pinTesting(customer, unapproved);
        api.moveDirectly(customer, device, "PRODUCTION");
        return new Fleet(device, approved, unapproved);
    }

    @Test
    void movingDownDirectlyIsRefusedAndNothingChanges() {
        Fleet fleet = productionFleet();
        UUID staging = api.enrollDevice(customer, "press-2");
        api.moveDirectly(customer, staging, "STAGING");

        record Move(UUID device, String target) {
        }
        for (Move move : List.of(new Move(fleet.device(), "TESTING"), new Move(fleet.device(), "STAGING"),
                new Move(staging, "TESTING"))) {
            HttpResponse<String> before = api.get("/devices/" + move.device(), viewer(customer));
            // Not even a platform admin moves a device down alone.
            for (String token : List.of(operator(customer), customerAdmin(customer), Api.root())) {
                assertProblem(
                        api.send("POST", "/devices/" + move.device() + "/environment", token,
                                "{\"environment\":\"" + move.target() + "\"}", etag(before)),
                        409, "MOVE_APPROVAL_REQUIRED");
            }
            HttpResponse<String> after = api.get("/devices/" + move.device(), viewer(customer));
            assertThat(etag(after)).isEqualTo(etag(before));
            assertThat((String) read(after, "$.environment")).isEqualTo(read(before, "$.environment"));
        }
        assertThat(audits(fleet.device(), "DEVICE_MOVED")).isEqualTo(1);
        assertThat(desiredRelease(fleet.device(), customer)).isEqualTo(fleet.approved().toString());
    }

    @Test
    void aMoveDownIsRequestedApprovedBySomeoneElseAndThenMovesTheDevice() {
        Fleet fleet = productionFleet();
        String requester = TestJwtIssuer.token("rita", customer, "customer-admin");
        String version = etag(api.get("/devices/" + fleet.device(), viewer(customer)));

        HttpResponse<String> requested = api.send("POST", "/moves", requester, moveBody(fleet.device(), "TESTING"),
                version);
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(201);
        String move = read(requested, "$.id");
        assertThat(requested.headers().firstValue("Location")).hasValue("/api/devices/v1/moves/" + move);
        assertThat((String) read(requested, "$.status")).isEqualTo("REQUESTED");
        assertThat((String) read(requested, "$.fromEnvironment")).isEqualTo("PRODUCTION");
        assertThat((String) read(requested, "$.targetEnvironment")).isEqualTo("TESTING");
        assertThat((String) read(requested, "$.requestedBy")).isEqualTo("rita");
        // Requested is not moved.
        assertThat(etag(api.get("/devices/" + fleet.device(), viewer(customer)))).isEqualTo(version);

        assertProblem(api.post("/moves/" + move + "/approve", requester, null), 403, "SELF_APPROVAL");
        assertProblem(api.post("/moves/" + move + "/reject", requester, null), 403, "SELF_APPROVAL");
        assertProblem(api.post("/moves/" + move + "/approve", operator(customer), null), 403, "FORBIDDEN");
        assertProblem(api.post("/moves/" + move + "/approve", customerAdmin(UUID.randomUUID()), null), 404,
                "NOT_FOUND");
        assertThat((String) read(api.get("/devices/" + fleet.device(), viewer(customer)), "$.environment"))
            .isEqualTo("PRODUCTION");

        HttpResponse<String> approved = api.post("/moves/" + move + "/approve", customerAdmin(customer),
                "{\"reason\":\"line 1 goes back to the lab\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat((String) read(approved, "$.status")).isEqualTo("APPROVED");
        assertThat((String) read(approved, "$.decidedBy")).isEqualTo("ada");
        assertThat((String) read(approved, "$.reason")).isEqualTo("line 1 goes back to the lab");
        HttpResponse<String> device = api.get("/devices/" + fleet.device(), viewer(customer));
        assertThat((String) read(device, "$.environment")).isEqualTo("TESTING");
        assertThat((String) read(device, "$.updatedBy")).isEqualTo("ada");
        assertThat(etag(device)).isNotEqualTo(version);
        assertThat(desiredRelease(fleet.device(), customer)).isEqualTo(fleet.unapproved().toString());
        assertProblem(api.post("/moves/" + move + "/reject", customerAdmin(customer), null), 409, "MOVE_DECIDED");
        assertProblem(api.post("/moves/" + move + "/approve", Api.root(), null), 409, "MOVE_DECIDED");

        assertThat(audits(move, "DEVICE_MOVE_REQUESTED")).isEqualTo(1);
        assertThat(audits(move, "DEVICE_MOVE_APPROVED")).isEqualTo(1);
        assertThat(audits(fleet.device(), "DEVICE_MOVED")).isEqualTo(2);
        assertThat((List<String>) read(api.get("/moves", viewer(customer)), "$.items[*].status"))
            .containsExactly("APPROVED");
    }

    @Test
    void aRequestIsStaleOnceTheDeviceChangedAndARejectionMovesNothing() {
        Fleet fleet = productionFleet();
        String stale = read(api.post("/moves", operator(customer), moveBody(fleet.device(), "STAGING")), "$.id");
        HttpResponse<String> overridden = api.put("/devices/" + fleet.device() + "/release-override",
                operator(customer), "{\"releaseId\":\"" + fleet.approved() + "\"}", null);
        assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);

        assertProblem(api.post("/moves/" + stale + "/approve", customerAdmin(customer), null), 409, "STALE_MOVE");
        assertThat((String) read(api.get("/moves/" + stale, viewer(customer)), "$.status")).isEqualTo("REQUESTED");
        assertThat(etag(api.get("/devices/" + fleet.device(), viewer(customer)))).isEqualTo(etag(overridden));

        HttpResponse<String> rejected = api.post("/moves/" + stale + "/reject", customerAdmin(customer),
                "{\"reason\":\"stale\"}");
        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
        assertThat((String) read(rejected, "$.status")).isEqualTo("REJECTED");
        assertThat((String) read(api.get("/devices/" + fleet.device(), viewer(customer)), "$.environment"))
            .isEqualTo("PRODUCTION");
        assertThat(audits(stale, "DEVICE_MOVE_REJECTED")).isEqualTo(1);
    }

    @Test
    void aMoveIntoStagingWithAnOverrideNotApprovedThereIsRefusedWhenRequested() {
        UUID device = api.enrollDevice(customer, "press-3");
        api.releaseInProduction(customer, "r1");
        api.moveDirectly(customer, device, "PRODUCTION");
        // Approved for PRODUCTION by a rollback request only, never for STAGING.
        UUID r0 = api.release(customer, "app", "r0");
        jdbc.sql("""
                INSERT INTO promotion (id, customer_id, target_environment, basis_environment, basis_revision,
                                       release_id, rollback, status, requested_by, requested_by_subject, requested_at,
                                       decided_by, decided_by_subject, decided_at)
                VALUES (:id, :customer, 'PRODUCTION', 'PRODUCTION', 0, :release, TRUE, 'APPROVED', 'otto', 'o', now(),
                        'ada', 'a', now())""")
            .param("id", UUID.randomUUID())
            .param("customer", customer)
            .param("release", r0)
            .update();
        assertThat(api
            .put("/devices/" + device + "/release-override", operator(customer), "{\"releaseId\":\"" + r0 + "\"}", null)
            .statusCode()).isEqualTo(200);

        assertProblem(api.post("/moves", operator(customer), moveBody(device, "STAGING")), 409, "RELEASE_NOT_APPROVED");
        HttpResponse<String> toTesting = api.post("/moves", operator(customer), moveBody(device, "TESTING"));
        assertThat(toTesting.statusCode()).as(toTesting.body()).isEqualTo(201);
        assertThat((List<?>) read(api.get("/moves", viewer(customer)), "$.items")).hasSize(1);
    }

    @Test
    void movingUpOrWithinStaysDirectAndNeedsNoRequest() {
        UUID device = api.registerDevice(customer, "riser");
        assertProblem(api.post("/moves", operator(customer), moveBody(device, "TESTING")), 409,
                "MOVE_APPROVAL_NOT_REQUIRED");
        assertThat((String) read(api.moveDirectly(customer, device, "TESTING"), "$.environment")).isEqualTo("TESTING");
        assertThat((String) read(api.moveDirectly(customer, device, "STAGING"), "$.environment")).isEqualTo("STAGING");
        assertProblem(api.post("/moves", operator(customer), moveBody(device, "STAGING")), 409,
                "MOVE_APPROVAL_NOT_REQUIRED");
        assertThat((String) read(api.moveDirectly(customer, device, "PRODUCTION"), "$.environment"))
            .isEqualTo("PRODUCTION");
        assertThat((String) read(api.moveDirectly(customer, device, "PRODUCTION"), "$.environment"))
            .isEqualTo("PRODUCTION");
        assertThat((List<?>) read(api.get("/moves", viewer(customer)), "$.items")).isEmpty();
    }

    @Test
    void badRequestsAnotherCustomersDeviceAndDecommissionedDevicesWriteNothing() {
        UUID other = UUID.randomUUID();
        UUID device = api.registerDevice(customer, "guarded");
        api.moveDirectly(customer, device, "PRODUCTION");
        String move = read(api.post("/moves", operator(customer), moveBody(device, "TESTING")), "$.id");

        assertProblem(api.post("/moves", operator(customer), "{}"), 400, "VALIDATION_FAILED");
        assertProblem(api.post("/moves", operator(customer), moveBody(device, "PRODUCTION")), 400, "VALIDATION_FAILED");
        assertProblem(
                api.post("/moves", operator(customer), "{\"deviceId\":\"nope\",\"targetEnvironment\":\"TESTING\"}"),
                400, "MALFORMED_REQUEST_BODY");
        assertProblem(api.post("/moves", viewer(customer), moveBody(device, "TESTING")), 403, "FORBIDDEN");
        assertProblem(api.send("POST", "/moves", operator(customer), moveBody(device, "TESTING"), "\"9\""), 412,
                "STALE_VERSION");
        assertProblem(api.post("/moves", operator(other), moveBody(device, "TESTING")), 404, "NOT_FOUND");
        assertProblem(api.post("/moves", operator(customer), moveBody(UUID.randomUUID(), "TESTING")), 404, "NOT_FOUND");
        assertProblem(api.get("/moves/" + move, viewer(other)), 404, "NOT_FOUND");
        assertProblem(api.get("/moves/" + UUID.randomUUID(), viewer(customer)), 404, "NOT_FOUND");
        assertProblem(api.post("/moves/" + move + "/approve", customerAdmin(other), null), 404, "NOT_FOUND");
        assertProblem(api.post("/moves/" + move + "/approve", customerAdmin(customer),
                "{\"reason\":\"" + "x".repeat(1001) + "\"}"), 400, "VALIDATION_FAILED");
        assertThat((List<?>) read(api.get("/moves", viewer(other)), "$.items")).isEmpty();
        assertProblem(api.get("/moves?customerId=" + customer, viewer(other)), 404, "NOT_FOUND");

        HttpResponse<String> current = api.get("/devices/" + device, viewer(customer));
        HttpResponse<String> gone = api.send("POST", "/devices/" + device + "/decommission", operator(customer), null,
                etag(current));
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(200);
        assertProblem(api.post("/moves", operator(customer), moveBody(device, "TESTING")), 409,
                "DEVICE_DECOMMISSIONED");
        assertProblem(api.post("/moves/" + move + "/approve", customerAdmin(customer), null), 409, "STALE_MOVE");
        assertThat((List<?>) read(api.get("/moves", viewer(customer)), "$.items")).hasSize(1);
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.environment"))
            .isEqualTo("PRODUCTION");
    }

    @Test
    void theDatabaseRefusesAMoveApprovedByItsRequesterWhateverTheCodeDoes() {
        UUID device = api.registerDevice(customer, "checked");
        api.moveDirectly(customer, device, "STAGING");
        UUID move = UUID.fromString(read(api.post("/moves", operator(customer), moveBody(device, "TESTING")), "$.id"));

        assertThatThrownBy(() -> jdbc.sql("""
                UPDATE device_move SET status = 'APPROVED', decided_by = requested_by,
                                       decided_by_subject = requested_by_subject, decided_at = now()
                WHERE id = :id""").param("id", move).update()).isInstanceOf(DataIntegrityViolationException.class)
            .hasMessageContaining("device_move_four_eyes");
        assertThatThrownBy(
                () -> jdbc.sql("UPDATE device_move SET status = 'APPROVED' WHERE id = :id").param("id", move).update())
            .isInstanceOf(DataIntegrityViolationException.class)
            .hasMessageContaining("device_move_four_eyes");
        assertThat((String) read(api.get("/moves/" + move, viewer(customer)), "$.status")).isEqualTo("REQUESTED");
        assertThat(jdbc.sql("""
                UPDATE device_move SET status = 'APPROVED', decided_by = 'ada', decided_by_subject = 'another-subject',
                                       decided_at = now()
                WHERE id = :id""").param("id", move).update()).isEqualTo(1);
    }

}
