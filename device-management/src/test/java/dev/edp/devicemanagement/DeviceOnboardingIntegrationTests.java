package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.edp.test.security.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import static dev.edp.devicemanagement.Api.certificate;
import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The onboarding link: onboarding registers a device with the operator's token, then
 * reports its certificate.
 */
class DeviceOnboardingIntegrationTests extends AbstractApiIntegrationTests {

    static final String SERVICE = TestJwtIssuer.serviceToken();

    /** Nothing changed the device: it still waits for its certificate. */
    void assertStillPending(UUID device) {
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.lifecycle"))
            .isEqualTo("PENDING_ONBOARDING");
    }

    @Test
    void onboardingRegistersWithTheOperatorsTokenAPendingDeviceAndLearnsItsId() {
        UUID machine = UUID.randomUUID();
        HttpResponse<String> created = api.post("/devices", operator(customer),
                """
                        {"customerId":"%s","name":"Press 9","environment":"PRODUCTION","machineId":"%s","labels":{"line":"9"}}"""
                    .formatted(customer, machine));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat((String) read(created, "$.lifecycle")).isEqualTo("PENDING_ONBOARDING");
        assertThat((String) read(created, "$.environment")).isEqualTo("PRODUCTION");
        assertThat((String) read(created, "$.machineId")).isEqualTo(machine.toString());
        assertThat((String) read(created, "$.labels.line")).isEqualTo("9");
        UUID id = UUID.fromString(read(created, "$.id"));
        assertThat(api.get("/devices/" + id, viewer(customer)).statusCode()).isEqualTo(200);
    }

    @Test
    void certificateActivatesAPendingDeviceWithSerialAndExpiryAndIsAudited() {
        UUID device = api.registerDevice(customer, "enrolling");
        HttpResponse<String> put = api.putCertificate(device, certificate(customer, "0A1B2C"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
        HttpResponse<String> read = api.get("/devices/" + device, viewer(customer));
        assertThat((String) read(read, "$.lifecycle")).isEqualTo("ACTIVE");
        assertThat((String) read(read, "$.certificateSerial")).isEqualTo("0a1b2c");
        assertThat((String) read(read, "$.certificateNotAfter")).isEqualTo("2027-01-01T00:00:00Z");
        assertThat(audits(device, "DEVICE_ENROLLED")).isEqualTo(1);
    }

    @Test
    void renewalWithALaterExpiryReplacesTheCertificateAndAnOlderOneArrivingLateIsIgnored() {
        UUID device = api.enrollDevice(customer, "renewing");
        assertThat(api
            .putCertificate(device, certificate(customer, "ff01", "2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z"))
            .statusCode()).isEqualTo(204);
        HttpResponse<String> renewed = api.get("/devices/" + device, viewer(customer));
        assertThat((String) read(renewed, "$.certificateSerial")).isEqualTo("ff01");
        assertThat((String) read(renewed, "$.certificateNotAfter")).isEqualTo("2027-06-01T00:00:00Z");

        // The first certificate again (a retry that arrives late) and an exact repeat
        // change nothing.
        assertThat(api.putCertificate(device, certificate(customer, "0a1b2c")).statusCode()).isEqualTo(204);
        assertThat(api
            .putCertificate(device, certificate(customer, "ff01", "2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z"))
            .statusCode()).isEqualTo(204);
        HttpResponse<String> after = api.get("/devices/" + device, viewer(customer));
        assertThat((String) read(after, "$.certificateSerial")).isEqualTo("ff01");
        assertThat(Api.etag(after)).isEqualTo(Api.etag(renewed));
        assertThat(audits(device, "DEVICE_CERTIFICATE_RENEWED")).isEqualTo(1);
    }

    @Test
    void aDecommissionedDeviceStaysDecommissionedWhenACertificateArrives() {
        UUID device = api.registerDevice(customer, "retired");
        HttpResponse<String> gone = api.send("POST", "/devices/" + device + "/decommission", operator(customer), null,
                "\"1\"");
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(200);
        assertThat(api.putCertificate(device, certificate(customer, "0c")).statusCode()).isEqualTo(204);
        HttpResponse<String> read = api.get("/devices/" + device, viewer(customer));
        assertThat((String) read(read, "$.lifecycle")).isEqualTo("DECOMMISSIONED");
        assertThat(Api.readOrNull(read, "$.certificateSerial")).isNull();
        assertThat(Api.etag(read)).isEqualTo(Api.etag(gone));
    }

    @Test
    void anUnknownDeviceIsCreatedActiveForTheCertificatesCustomerWithAGeneratedName() {
        UUID device = UUID.randomUUID();
        assertThat(api.putCertificate(device, certificate(customer, "abc123")).statusCode()).isEqualTo(204);
        HttpResponse<String> read = api.get("/devices/" + device, viewer(customer));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat((String) read(read, "$.lifecycle")).isEqualTo("ACTIVE");
        assertThat((String) read(read, "$.name")).isEqualTo("device-" + device.toString().substring(0, 8));
        assertThat((String) read(read, "$.environment")).isEqualTo("TESTING");
        assertThat(audits(device, "DEVICE_ENROLLED")).isEqualTo(1);
        assertProblem(api.get("/devices/" + device, viewer(UUID.randomUUID())), 404, "NOT_FOUND");
    }

    @Test
    void aCertificateNamingAnotherCustomerThanTheDevicesChangesNothing() {
        UUID device = api.registerDevice(customer, "mine");
        assertProblem(api.putCertificate(device, certificate(UUID.randomUUID(), "0d")), 409,
                "DEVICE_CUSTOMER_MISMATCH");
        assertStillPending(device);
    }

    @Test
    void badCertificateReportsAreProblemsAndChangeNothing() {
        UUID device = api.registerDevice(customer, "strict");
        assertProblem(api.putCertificate(device, certificate(customer, "not-hex")), 400, "VALIDATION_FAILED");
        assertProblem(
                api.putCertificate(device, certificate(customer, "0e", "2027-01-01T00:00:00Z", "2026-01-01T00:00:00Z")),
                400, "INVALID_VALIDITY");
        assertProblem(api.putCertificate(device, "{\"serial\":\"0e\"}"), 400, "VALIDATION_FAILED");
        assertThat(api.putCertificate(device, certificate(customer, "0e", "yesterday", "2026-01-01T00:00:00Z"))
            .statusCode()).isEqualTo(400);
        assertThat(api.put("/internal/devices/not-a-uuid/certificate", SERVICE, certificate(customer, "0e"), null)
            .statusCode()).isEqualTo(400);
        assertStillPending(device);
    }

    /** A batch as onboarding's outbox relay sends it. */
    static String batch(List<UUID> devices, List<String> certificates) {
        return IntStream.range(0, devices.size())
            .mapToObj(i -> "{\"deviceId\":\"" + devices.get(i) + "\",\"certificate\":" + certificates.get(i) + "}")
            .collect(Collectors.joining(",", "{\"certificates\":[", "]}"));
    }

    @Test
    void aBatchOfCertificatesActivatesEveryDeviceInItAndAuditsEach() {
        List<UUID> devices = List.of(api.registerDevice(customer, "batch-1"), api.registerDevice(customer, "batch-2"),
                api.registerDevice(customer, "batch-3"));
        HttpResponse<String> taken = api.post("/internal/certificates", SERVICE,
                batch(devices, List.of(certificate(customer, "b1"), certificate(customer, "B2"),
                        certificate(customer, "b3", "2026-02-01T00:00:00Z", "2027-02-01T00:00:00Z"))));
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(204);
        List<String> serials = List.of("b1", "b2", "b3");
        for (int i = 0; i < devices.size(); i++) {
            HttpResponse<String> read = api.get("/devices/" + devices.get(i), viewer(customer));
            assertThat((String) read(read, "$.lifecycle")).isEqualTo("ACTIVE");
            assertThat((String) read(read, "$.certificateSerial")).isEqualTo(serials.get(i));
            assertThat(audits(devices.get(i), "DEVICE_ENROLLED")).isEqualTo(1);
        }
        HttpResponse<String> third = api.get("/devices/" + devices.get(2), viewer(customer));
        assertThat((String) read(third, "$.certificateNotAfter")).isEqualTo("2027-02-01T00:00:00Z");
    }

    @Test
    void aBatchWithOneRefusedCertificateIsThatRefusalAndChangesNoDevice() {
        UUID mine = api.registerDevice(customer, "batch-ok");
        UUID other = api.registerDevice(customer, "batch-refused");
        assertProblem(
                api.post("/internal/certificates", SERVICE,
                        batch(List.of(mine, other),
                                List.of(certificate(customer, "c1"), certificate(UUID.randomUUID(), "c2")))),
                409, "DEVICE_CUSTOMER_MISMATCH");
        assertStillPending(mine);
        assertStillPending(other);
        assertThat(audits(mine, "DEVICE_ENROLLED")).isZero();
    }

    @Test
    void badCertificateBatchesAreProblemsAndChangeNothing() {
        UUID device = api.registerDevice(customer, "batch-strict");
        String good = certificate(customer, "d1");
        List<String> bad = List.of("{\"certificates\":[]}", "{}", "{\"certificates\":[null]}",
                "{\"certificates\":[{\"deviceId\":\"" + device + "\"}]}",
                batch(List.of(device), List.of(certificate(customer, "d\\u00001"))),
                batch(List.of(device), List.of(certificate(customer, "d1".repeat(40)))),
                batch(List.of(device),
                        List.of(certificate(customer, "d1", "2027-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))),
                batch(IntStream.range(0, 501).mapToObj(i -> device).toList(),
                        IntStream.range(0, 501).mapToObj(i -> good).toList()),
                "[" + batch(List.of(device), List.of(good)) + "]");
        for (String body : bad) {
            HttpResponse<String> refused = api.post("/internal/certificates", SERVICE, body);
            assertThat(refused.statusCode()).as(body.substring(0, Math.min(200, body.length()))).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertStillPending(device);
    }

    @Test
    void internalEndpointsRefuseEveryUserTokenEvenAPlatformAdmins() {
        UUID device = api.registerDevice(customer, "guarded");
        String body = certificate(customer, "0f");
        for (String token : new String[] { Api.root(), Api.customerAdmin(customer), operator(customer) }) {
            assertProblem(api.put("/internal/devices/" + device + "/certificate", token, body, null), 403, "FORBIDDEN");
            assertProblem(api.post("/internal/connectivity", token, "{\"events\":[]}"), 403, "FORBIDDEN");
            assertProblem(api.post("/internal/certificates", token, batch(List.of(device), List.of(body))), 403,
                    "FORBIDDEN");
        }
        assertThat(api.put("/internal/devices/" + device + "/certificate", null, body, null).statusCode())
            .isEqualTo(401);
        assertStillPending(device);
    }

}
