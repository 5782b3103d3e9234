package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.edp.test.http.StubBackend;
import org.junit.jupiter.api.Test;

import static dev.edp.devicemanagement.Api.etag;
import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Decommissioning revokes the device's certificates at onboarding before it commits. */
class DecommissionIntegrationTests extends AbstractApiIntegrationTests {

    static String revokePath(UUID device) {
        return "/api/onboarding/v1/devices/" + device + "/revoke";
    }

    List<StubBackend.Received> revocations(UUID device) {
        return TestBackends.ONBOARDING.received()
            .stream()
            .filter(r -> r.pathAndQuery().equals(revokePath(device)))
            .toList();
    }

    @Test
    void decommissionRevokesAtOnboardingWithTheCallersTokenThenEmptiesTheDesiredStateAndTellsMonitoring() {
        UUID device = api.enrollDevice(customer, "to-retire");
        UUID release = api.release(customer, "app", "r1");
        api.pinTesting(customer, release);
        assertThat(desiredRelease(device, customer)).isEqualTo(release.toString());

        String token = operator(customer);
        HttpResponse<String> current = api.get("/devices/" + device, viewer(customer));
        HttpResponse<String> gone = api.send("POST", "/devices/" + device + "/decommission", token, null,
                etag(current));
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(200);
        assertThat((String) read(gone, "$.lifecycle")).isEqualTo("DECOMMISSIONED");

        List<StubBackend.Received> calls = revocations(device);
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().method()).isEqualTo("POST");
        assertThat(calls.getFirst().header("Authorization")).isEqualTo("Bearer " + token);

        HttpResponse<String> state = TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0);
        assertThat(Api.readOrNull(state, "$.releaseId")).isNull();
        assertThat((List<?>) read(state, "$.containers")).isEmpty();
        assertThat((List<String>) read(api.get("/devices", viewer(customer)), "$.items[*].id")).isEmpty();
        assertThat(api.get("/devices/" + device, viewer(customer)).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15))
            .untilAsserted(() -> assertThat(TestBackends.MONITORING.received()
                .stream()
                .anyMatch(r -> r.body().contains(device.toString()) && r.body().contains("DECOMMISSIONED"))).isTrue());
    }

    @Test
    void whenOnboardingCannotRevokeTheDecommissionIsRefusedWith503AndNothingChanges() {
        UUID device = api.enrollDevice(customer, "stuck");
        TestBackends.ONBOARDING.script(revokePath(device),
                new StubBackend.Answer(503, "application/problem+json", "{\"status\":503}", 0));
        HttpResponse<String> current = api.get("/devices/" + device, viewer(customer));

        assertProblem(api.send("POST", "/devices/" + device + "/decommission", operator(customer), null, etag(current)),
                503, "CERTIFICATE_REVOCATION_UNAVAILABLE");

        HttpResponse<String> after = api.get("/devices/" + device, viewer(customer));
        assertThat((String) read(after, "$.lifecycle")).isEqualTo("ACTIVE");
        assertThat(etag(after)).isEqualTo(etag(current));
        assertThat(audits(device, "DEVICE_DECOMMISSIONED")).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM device_event_outbox WHERE device_id = :id")
            .param("id", device)
            .query(Integer.class)
            .single()).isZero();
    }

    @Test
    void onboardingKnowingNothingOfTheDeviceCountsAsNothingToRevoke() {
        UUID device = api.registerDevice(customer, "never-enrolled");
        TestBackends.ONBOARDING.script(revokePath(device),
                new StubBackend.Answer(404, "application/problem+json", "{\"status\":404,\"code\":\"NOT_FOUND\"}", 0));
        HttpResponse<String> gone = api.send("POST", "/devices/" + device + "/decommission", operator(customer), null,
                "\"1\"");
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(200);
        assertThat((String) read(gone, "$.lifecycle")).isEqualTo("DECOMMISSIONED");
    }

    @Test
    void anotherCustomersOperatorCannotDecommissionAndOnboardingIsNotAsked() {
        UUID device = api.enrollDevice(customer, "not-yours");
        assertProblem(
                api.send("POST", "/devices/" + device + "/decommission", operator(UUID.randomUUID()), null, "\"2\""),
                404, "NOT_FOUND");
        assertProblem(api.send("POST", "/devices/" + device + "/decommission", viewer(customer), null, "\"2\""), 403,
                "FORBIDDEN");
        assertThat(revocations(device)).isEmpty();
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.lifecycle")).isEqualTo("ACTIVE");
    }

}
