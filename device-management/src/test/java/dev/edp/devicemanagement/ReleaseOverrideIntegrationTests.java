package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

/** An operator pins one device to a release instead of its environment's. */
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
        assertThat((String) read(TestDevices.desiredState(checks.baseUrl(), neighbour, customer, null, 0),
                "$.releaseId")).isEqualTo(pinned.toString());
        assertThat(jdbc.sql("SELECT count(*) FROM audit_event WHERE entity_id = :id AND action = :action")
                .param("id", device.toString()).param("action", "DEVICE_RELEASE_OVERRIDDEN").query(Integer.class)
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
                .param("id", device.toString()).param("action", "DEVICE_RELEASE_OVERRIDE_CLEARED")
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void anOverrideWakesTheDevicesLongPoll() throws Exception {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = DeviceOnboardingIntegrationTests.enroll(api, customer, "waiting");
        UUID release = PromotionIntegrationTests.release(api, customer, "app", "r1");
        String tag = etag(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0));

        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> poll = CompletableFuture
                .supplyAsync(() -> TestDevices.desiredState(checks.baseUrl(), device, customer, tag, 30));
        Thread.sleep(500);
        assertThat(api.put("/devices/" + device + "/release-override", operator(customer), body(release), null)
                .statusCode()).isEqualTo(200);
        HttpResponse<String> woken = poll.get(20, TimeUnit.SECONDS);
        assertThat(woken.statusCode()).isEqualTo(200);
        assertThat((String) read(woken, "$.releaseId")).isEqualTo(release.toString());
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(20);
    }

    @Test
    void anotherCustomersReleaseOrDeviceIsNotFoundAndViewersCannotOverride() {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID device = DeviceOnboardingIntegrationTests.enroll(api, customer, "mine");
        UUID foreignRelease = PromotionIntegrationTests.release(api, other, "app", "theirs");
        UUID ownRelease = PromotionIntegrationTests.release(api, customer, "app", "ours");

        assertProblem(api.put("/devices/" + device + "/release-override", operator(customer), body(foreignRelease),
                null), 404, "NOT_FOUND");
        assertProblem(api.put("/devices/" + device + "/release-override", operator(other), body(ownRelease), null),
                404, "NOT_FOUND");
        assertProblem(api.put("/devices/" + device + "/release-override", viewer(customer), body(ownRelease), null),
                403, "FORBIDDEN");
        assertProblem(api.put("/devices/" + device + "/release-override", operator(customer), "{}", null), 400,
                "VALIDATION_FAILED");
        HttpResponse<String> read = api.get("/devices/" + device, viewer(customer));
        assertThat(Api.readOrNull(read, "$.releaseOverride")).isNull();
        assertThat((List<?>) read(TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0),
                "$.containers")).isEmpty();
    }
}
