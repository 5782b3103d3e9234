package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.edp.devicemanagement.Api.etag;
import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator pins one device to a release instead of its environment's; on STAGING and
 * PRODUCTION devices only a release approved for that environment. (Waking the long-poll:
 * {@code desiredstate.DesiredStateIntegrationTests}.)
 */
@EdpServiceTest
class ReleaseOverrideIntegrationTests {

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    static String body(UUID release) {
        return "{\"releaseId\":\"" + release + "\"}";
    }

    @Test
    void anOverrideIsShownAuditedAndWinsOverTheEnvironmentsPinUntilCleared() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = DeviceOnboardingIntegrationTests.enroll(api, customer, "canary");
        UUID neighbour = DeviceOnboardingIntegrationTests.enroll(api, customer, "neighbour");
        UUID pinned = PromotionIntegrationTests.release(api, customer, "app", "r1");
        UUID canary = PromotionIntegrationTests.release(api, customer, "app", "r2-canary");
        PromotionIntegrationTests.pinTesting(api, customer, pinned);

        HttpResponse<String> overridden = api.put("/devices/" + device + "/release-override", operator(customer),
                body(canary), null);
        assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);
        assertThat((String) read(overridden, "$.releaseOverride")).isEqualTo(canary.toString());
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.releaseOverride"))
            .isEqualTo(canary.toString());
        assertThat((String) read(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0), "$.releaseId"))
            .isEqualTo(canary.toString());
        assertThat(
                (String) read(TestDevices.desiredState(checks.baseUrl(), neighbour, customer, null, 0), "$.releaseId"))
            .isEqualTo(pinned.toString());
        assertThat(jdbc.sql("SELECT count(*) FROM audit_event WHERE entity_id = :id AND action = :action")
            .param("id", device.toString())
            .param("action", "DEVICE_RELEASE_OVERRIDDEN")
            .query(Integer.class)
            .single()).isEqualTo(1);

        assertProblem(api.delete("/devices/" + device + "/release-override", operator(customer), "\"1\""), 412,
                "STALE_VERSION");
        HttpResponse<String> cleared = api.delete("/devices/" + device + "/release-override", operator(customer),
                etag(overridden));
        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        assertThat(Api.readOrNull(cleared, "$.releaseOverride")).isNull();
        assertThat((String) read(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0), "$.releaseId"))
            .isEqualTo(pinned.toString());
        assertThat(jdbc.sql("SELECT count(*) FROM audit_event WHERE entity_id = :id AND action = :action")
            .param("id", device.toString())
            .param("action", "DEVICE_RELEASE_OVERRIDE_CLEARED")
            .query(Integer.class)
            .single()).isEqualTo(1);
    }

    int audits(UUID device, String action) {
        return jdbc.sql("SELECT count(*) FROM audit_event WHERE entity_id = :id AND action = :action")
            .param("id", device.toString())
            .param("action", action)
            .query(Integer.class)
            .single();
    }

    @Test
    void anUnapprovedReleaseIsRefusedOnProductionAndStagingDevicesAndNothingChanges() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID production = DeviceOnboardingIntegrationTests.enroll(api, customer, "line-1");
        UUID staging = DeviceOnboardingIntegrationTests.enroll(api, customer, "line-2");
        UUID r1 = api.release(customer, "app", "r1");
        api.pinTesting(customer, r1);
        api.promote(customer, "STAGING");
        api.promote(customer, "PRODUCTION");
        UUID r2 = api.release(customer, "app", "r2");
        api.pinTesting(customer, r2);
        api.promote(customer, "STAGING");
        UUID hotfix = api.release(customer, "app", "hotfix");
        api.moveDirectly(customer, production, "PRODUCTION");
        api.moveDirectly(customer, staging, "STAGING");

        for (UUID device : List.of(production, staging)) {
            HttpResponse<String> before = api.get("/devices/" + device, viewer(customer));
            String desired = etag(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0));
            assertProblem(api.put("/devices/" + device + "/release-override", operator(customer), body(hotfix), null),
                    409, "RELEASE_NOT_APPROVED");
            // Also with the device's current ETag and as a customer admin: approval is
            // about the release.
            assertProblem(api.put("/devices/" + device + "/release-override", Api.customerAdmin(customer), body(hotfix),
                    etag(before)), 409, "RELEASE_NOT_APPROVED");
            HttpResponse<String> after = api.get("/devices/" + device, viewer(customer));
            assertThat(etag(after)).isEqualTo(etag(before));
            assertThat(Api.readOrNull(after, "$.releaseOverride")).isNull();
            assertThat(etag(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0))).isEqualTo(desired);
            assertThat(audits(device, "DEVICE_RELEASE_OVERRIDDEN")).isZero();
        }
        // r2 was approved for STAGING, never for PRODUCTION.
        assertProblem(api.put("/devices/" + production + "/release-override", operator(customer), body(r2), null), 409,
                "RELEASE_NOT_APPROVED");
        assertThat(
                (String) read(TestDevices.desiredState(checks.baseUrl(), production, customer, null, 0), "$.releaseId"))
            .isEqualTo(r1.toString());
    }

    @Test
    void aReleaseApprovedForTheEnvironmentMayBeOverriddenThere() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = DeviceOnboardingIntegrationTests.enroll(api, customer, "canary");
        UUID r1 = api.release(customer, "app", "r1");
        api.pinTesting(customer, r1);
        api.promote(customer, "STAGING");
        api.promote(customer, "PRODUCTION");
        UUID r2 = api.release(customer, "app", "r2");
        api.pinTesting(customer, r2);
        api.promote(customer, "STAGING");
        api.moveDirectly(customer, device, "STAGING");

        // STAGING's current pin, and a release approved for STAGING before (r1).
        for (UUID release : List.of(r2, r1)) {
            HttpResponse<String> overridden = api.put("/devices/" + device + "/release-override", operator(customer),
                    body(release), null);
            assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);
            assertThat(
                    (String) read(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0), "$.releaseId"))
                .isEqualTo(release.toString());
        }
        // r1 is approved for PRODUCTION as well, so the device may go up carrying it.
        HttpResponse<String> moved = api.moveDirectly(customer, device, "PRODUCTION");
        assertThat((String) read(moved, "$.releaseOverride")).isEqualTo(r1.toString());
    }

    @Test
    void aDeviceCarryingAnUnapprovedOverrideCannotMoveUpUntilTheOverrideIsCleared() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = DeviceOnboardingIntegrationTests.enroll(api, customer, "tester");
        UUID hotfix = api.release(customer, "app", "hotfix");
        HttpResponse<String> overridden = api.put("/devices/" + device + "/release-override", operator(customer),
                body(hotfix), null);
        assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);

        for (String target : List.of("STAGING", "PRODUCTION")) {
            assertProblem(api.send("POST", "/devices/" + device + "/environment", operator(customer),
                    "{\"environment\":\"" + target + "\"}", etag(overridden)), 409, "RELEASE_NOT_APPROVED");
        }
        HttpResponse<String> unchanged = api.get("/devices/" + device, viewer(customer));
        assertThat((String) read(unchanged, "$.environment")).isEqualTo("TESTING");
        assertThat(etag(unchanged)).isEqualTo(etag(overridden));
        assertThat(audits(device, "DEVICE_MOVED")).isZero();

        HttpResponse<String> cleared = api.delete("/devices/" + device + "/release-override", operator(customer),
                etag(overridden));
        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        assertThat((String) read(api.moveDirectly(customer, device, "PRODUCTION"), "$.environment"))
            .isEqualTo("PRODUCTION");
    }

    @Test
    void anotherCustomersReleaseOrDeviceIsNotFoundAndViewersCannotOverride() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID device = DeviceOnboardingIntegrationTests.enroll(api, customer, "mine");
        UUID foreignRelease = PromotionIntegrationTests.release(api, other, "app", "theirs");
        UUID ownRelease = PromotionIntegrationTests.release(api, customer, "app", "ours");

        assertProblem(
                api.put("/devices/" + device + "/release-override", operator(customer), body(foreignRelease), null),
                404, "NOT_FOUND");
        assertProblem(api.put("/devices/" + device + "/release-override", operator(other), body(ownRelease), null), 404,
                "NOT_FOUND");
        assertProblem(api.put("/devices/" + device + "/release-override", viewer(customer), body(ownRelease), null),
                403, "FORBIDDEN");
        assertProblem(api.put("/devices/" + device + "/release-override", operator(customer), "{}", null), 400,
                "VALIDATION_FAILED");
        HttpResponse<String> read = api.get("/devices/" + device, viewer(customer));
        assertThat(Api.readOrNull(read, "$.releaseOverride")).isNull();
        assertThat(
                (List<?>) read(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0), "$.containers"))
            .isEmpty();
    }

}
