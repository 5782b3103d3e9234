package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

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
class ReleaseOverrideIntegrationTests extends AbstractApiIntegrationTests {

    static String body(UUID release) {
        return "{\"releaseId\":\"" + release + "\"}";
    }

    HttpResponse<String> override(UUID device, String token, UUID release, String ifMatch) {
        return api.put("/devices/" + device + "/release-override", token, body(release), ifMatch);
    }

    /**
     * r1 taken up to PRODUCTION, then r2 promoted to STAGING: r1 is approved for STAGING
     * and PRODUCTION, r2 for STAGING only.
     */
    record Approved(UUID r1, UUID r2) {
    }

    Approved approvedReleases() {
        UUID r1 = api.releaseInProduction(customer, "r1");
        UUID r2 = api.release(customer, "app", "r2");
        api.pinTesting(customer, r2);
        api.promote(customer, "STAGING");
        return new Approved(r1, r2);
    }

    @Test
    void anOverrideIsShownAuditedAndWinsOverTheEnvironmentsPinUntilCleared() {
        UUID device = api.enrollDevice(customer, "canary");
        UUID neighbour = api.enrollDevice(customer, "neighbour");
        UUID pinned = api.release(customer, "app", "r1");
        UUID canary = api.release(customer, "app", "r2-canary");
        api.pinTesting(customer, pinned);

        HttpResponse<String> overridden = override(device, operator(customer), canary, null);
        assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);
        assertThat((String) read(overridden, "$.releaseOverride")).isEqualTo(canary.toString());
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.releaseOverride"))
            .isEqualTo(canary.toString());
        assertThat(desiredRelease(device, customer)).isEqualTo(canary.toString());
        assertThat(desiredRelease(neighbour, customer)).isEqualTo(pinned.toString());
        assertThat(audits(device, "DEVICE_RELEASE_OVERRIDDEN")).isEqualTo(1);

        assertProblem(api.delete("/devices/" + device + "/release-override", operator(customer), "\"1\""), 412,
                "STALE_VERSION");
        HttpResponse<String> cleared = api.delete("/devices/" + device + "/release-override", operator(customer),
                etag(overridden));
        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        assertThat(Api.readOrNull(cleared, "$.releaseOverride")).isNull();
        assertThat(desiredRelease(device, customer)).isEqualTo(pinned.toString());
        assertThat(audits(device, "DEVICE_RELEASE_OVERRIDE_CLEARED")).isEqualTo(1);
    }

    @Test
    void anUnapprovedReleaseIsRefusedOnProductionAndStagingDevicesAndNothingChanges() {
        UUID production = api.enrollDevice(customer, "line-1");
        UUID staging = api.enrollDevice(customer, "line-2");
        Approved approved = approvedReleases();
        UUID hotfix = api.release(customer, "app", "hotfix");
        api.moveDirectly(customer, production, "PRODUCTION");
        api.moveDirectly(customer, staging, "STAGING");

        for (UUID device : List.of(production, staging)) {
            HttpResponse<String> before = api.get("/devices/" + device, viewer(customer));
            String desired = etag(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0));
            assertProblem(override(device, operator(customer), hotfix, null), 409, "RELEASE_NOT_APPROVED");
            // Also with the device's current ETag and as a customer admin: approval is
            // about the release.
            assertProblem(override(device, Api.customerAdmin(customer), hotfix, etag(before)), 409,
                    "RELEASE_NOT_APPROVED");
            HttpResponse<String> after = api.get("/devices/" + device, viewer(customer));
            assertThat(etag(after)).isEqualTo(etag(before));
            assertThat(Api.readOrNull(after, "$.releaseOverride")).isNull();
            assertThat(etag(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0))).isEqualTo(desired);
            assertThat(audits(device, "DEVICE_RELEASE_OVERRIDDEN")).isZero();
        }
        // r2 was approved for STAGING, never for PRODUCTION.
        assertProblem(override(production, operator(customer), approved.r2(), null), 409, "RELEASE_NOT_APPROVED");
        assertThat(desiredRelease(production, customer)).isEqualTo(approved.r1().toString());
    }

    @Test
    void aReleaseApprovedForTheEnvironmentMayBeOverriddenThere() {
        UUID device = api.enrollDevice(customer, "canary");
        Approved approved = approvedReleases();
        api.moveDirectly(customer, device, "STAGING");

        // STAGING's current pin, and a release approved for STAGING before (r1).
        for (UUID release : List.of(approved.r2(), approved.r1())) {
            HttpResponse<String> overridden = override(device, operator(customer), release, null);
            assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);
            assertThat(desiredRelease(device, customer)).isEqualTo(release.toString());
        }
        // r1 is approved for PRODUCTION as well, so the device may go up carrying it.
        HttpResponse<String> moved = api.moveDirectly(customer, device, "PRODUCTION");
        assertThat((String) read(moved, "$.releaseOverride")).isEqualTo(approved.r1().toString());
    }

    @Test
    void aDeviceCarryingAnUnapprovedOverrideCannotMoveUpUntilTheOverrideIsCleared() {
        UUID device = api.enrollDevice(customer, "tester");
        UUID hotfix = api.release(customer, "app", "hotfix");
        HttpResponse<String> overridden = override(device, operator(customer), hotfix, null);
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
        UUID other = UUID.randomUUID();
        UUID device = api.enrollDevice(customer, "mine");
        UUID foreignRelease = api.release(other, "app", "theirs");
        UUID ownRelease = api.release(customer, "app", "ours");

        assertProblem(override(device, operator(customer), foreignRelease, null), 404, "NOT_FOUND");
        assertProblem(override(device, operator(other), ownRelease, null), 404, "NOT_FOUND");
        assertProblem(override(device, viewer(customer), ownRelease, null), 403, "FORBIDDEN");
        assertProblem(api.put("/devices/" + device + "/release-override", operator(customer), "{}", null), 400,
                "VALIDATION_FAILED");
        HttpResponse<String> read = api.get("/devices/" + device, viewer(customer));
        assertThat(Api.readOrNull(read, "$.releaseOverride")).isNull();
        assertThat(
                (List<?>) read(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0), "$.containers"))
            .isEmpty();
    }

}
