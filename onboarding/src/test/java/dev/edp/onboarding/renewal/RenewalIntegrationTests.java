package dev.edp.onboarding.renewal;

import java.net.http.HttpResponse;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.OnboardingIntegrationTest;
import dev.edp.onboarding.OnboardingProperties;
import dev.edp.onboarding.TestClock;
import dev.edp.onboarding.TestServices;
import dev.edp.onboarding.TestServices.DeviceKey;
import dev.edp.onboarding.certificate.CertificateStore;
import dev.edp.onboarding.certificate.DeviceCertificateIssuer;
import dev.edp.onboarding.pki.CsrInput;
import dev.edp.onboarding.pki.Pem;
import dev.edp.onboarding.pki.Pkcs7;
import dev.edp.platform.device.DeviceIdentity;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.problem.EdpException;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Renewal through "E3" (signed device assertions), JSON and EST, against the real service
 * and database. Time-dependent limits run on the service's {@link TestClock}, which the
 * tests stop and move, so no test waits for a window to pass.
 */
@EdpServiceTest
@Import(TestClock.Config.class)
class RenewalIntegrationTests extends OnboardingIntegrationTest {

    static final String RENEWALS = "/onboarding/api/v1/renewals";
    static final String REENROLL = "/.well-known/est/simplereenroll";

    @Autowired
    MeterRegistry meters;

    @Autowired
    TestClock clock;

    @Autowired
    CertificateStore certificateStore;

    @Autowired
    DeviceCertificateIssuer issuer;

    @AfterEach
    void releaseClock() {
        clock.release();
    }

    /** An enrolled device: its ids and the serial of its certificate. */
    record Enrolled(UUID deviceId, UUID customerId, String serial) {
    }

    Enrolled enroll(UUID customer) {
        HttpResponse<String> token = ServiceSmokeChecks.send("POST", checks.baseUrl() + "/api/onboarding/v1/tokens",
                "application/json", "{\"deviceName\":\"renewer\"}", TestJwtIssuer.token("otto", customer, "operator"));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        String csr = DeviceKey.generate().csrPem();
        HttpResponse<String> enrolled = ServiceSmokeChecks.send("POST",
                checks.baseUrl() + "/onboarding/api/v1/enrollments", "application/json",
                "{\"token\":\"" + JsonPath.read(token.body(), "$.token") + "\",\"csr\":\""
                        + csr.replace("\n", "\\n").replace("\r", "") + "\"}");
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        return new Enrolled(UUID.fromString(JsonPath.read(enrolled.body(), "$.deviceId")), customer,
                JsonPath.read(enrolled.body(), "$.serial"));
    }

    HttpResponse<String> renewJson(Enrolled device, String serial, String csrPem) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + RENEWALS, "application/json",
                "{\"csr\":\"" + csrPem.replace("\n", "\\n").replace("\r", "") + "\"}", null,
                TestServices.deviceHeaders(device.deviceId(), device.customerId(), serial, "POST", RENEWALS));
    }

    /** A POST to the operator API as an operator of the device's customer. */
    HttpResponse<String> postAsOperator(Enrolled device, String path, String json) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + "/api/onboarding/v1" + path, "application/json", json,
                TestJwtIssuer.token("otto", device.customerId(), "operator"));
    }

    HttpResponse<String> renewEst(Enrolled device, String body) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + REENROLL, "application/pkcs10", body, null,
                TestServices.deviceHeaders(device.deviceId(), device.customerId(), device.serial(), "POST", REENROLL));
    }

    String certificateStatus(String serial) {
        return jdbc.sql("SELECT status FROM device_certificate WHERE serial = :s")
            .param("s", serial)
            .query(String.class)
            .single();
    }

    int certificatesOf(UUID device) {
        return jdbc.sql("SELECT count(*) FROM device_certificate WHERE device_id = :d")
            .param("d", device)
            .query(Integer.class)
            .single();
    }

    double count(String outcome) {
        var counter = meters.find("edp.enrollments").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void renewalIssuesANewCertificateWithTheSameIdentityAndLeavesThePreviousOneValid() throws Exception {
        Enrolled device = enroll(UUID.randomUUID());
        double renewedBefore = count("RENEWED");
        DeviceKey newKey = DeviceKey.generate();

        HttpResponse<String> renewed = renewJson(device, device.serial(), newKey.csrPem());

        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(201);
        String serial = JsonPath.read(renewed.body(), "$.serial");
        assertThat(serial).isNotEqualTo(device.serial());
        assertThat(JsonPath.<String>read(renewed.body(), "$.previousSerial")).isEqualTo(device.serial());
        X509Certificate cert = Pem.readCertificates(JsonPath.read(renewed.body(), "$.certificate")).getFirst();
        assertThat(cert.getPublicKey().getEncoded()).isEqualTo(newKey.keys().getPublic().getEncoded());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + device.deviceId() + ",O=EDP");
        assertThat(DeviceIdentity.fromCertificate(cert))
            .isEqualTo(new DeviceIdentity(device.customerId(), device.deviceId()));
        List<X509Certificate> chain = Pem.readCertificates(JsonPath.read(renewed.body(), "$.chain"));
        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(chain.getLast(), null)));
        pkix.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
            .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert, chain.getFirst())), pkix);

        assertThat(certificateStatus(device.serial())).isEqualTo("VALID");
        assertThat(certificateStatus(serial)).isEqualTo("VALID");
        assertThat(jdbc.sql("SELECT renewed_from FROM device_certificate WHERE serial = :s")
            .param("s", serial)
            .query(String.class)
            .single()).isEqualTo(device.serial());
        assertThat(count("RENEWED")).isEqualTo(renewedBefore + 1);

        // The previous certificate still works, for a device whose renewal response got
        // lost.
        assertThat(renewJson(device, device.serial(), DeviceKey.generate().csrPem()).statusCode()).isEqualTo(201);
    }

    @Test
    void operatorsListADevicesCertificatesNewestFirstAndOtherCustomersSeeNone() {
        Enrolled device = enroll(UUID.randomUUID());
        HttpResponse<String> renewed = renewJson(device, device.serial(), DeviceKey.generate().csrPem());
        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(201);
        String serial = JsonPath.read(renewed.body(), "$.serial");
        String url = checks.baseUrl() + "/api/onboarding/v1/devices/" + device.deviceId() + "/certificates";

        HttpResponse<String> list = ServiceSmokeChecks.send("GET", url, null, null,
                TestJwtIssuer.token("vera", device.customerId(), "viewer"));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(list.body(), "$[*].serial")).containsExactly(serial, device.serial());
        assertThat(JsonPath.<List<String>>read(list.body(), "$[*].status")).containsExactly("VALID", "VALID");

        HttpResponse<String> foreign = ServiceSmokeChecks.send("GET", url, null, null,
                TestJwtIssuer.token("eve", UUID.randomUUID(), "customer-admin"));
        assertThat(foreign.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<?>>read(foreign.body(), "$")).isEmpty();
        assertThat(ServiceSmokeChecks.send("GET", url, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void estSimplereenrollAnswersACertsOnlyPkcs7WithTheRenewedCertificate() {
        Enrolled device = enroll(UUID.randomUUID());
        DeviceKey newKey = DeviceKey.generate();

        HttpResponse<String> response = renewEst(device, Base64.getMimeEncoder().encodeToString(newKey.csrDer()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/pkcs7-mime")
            .contains("smime-type=certs-only");
        List<X509Certificate> certs = Pkcs7.certificates(Base64.getMimeDecoder().decode(response.body()));
        assertThat(certs).hasSize(1);
        X509Certificate cert = certs.getFirst();
        assertThat(cert.getPublicKey().getEncoded()).isEqualTo(newKey.keys().getPublic().getEncoded());
        assertThat(DeviceIdentity.fromCertificate(cert))
            .isEqualTo(new DeviceIdentity(device.customerId(), device.deviceId()));
        assertThat(certificateStatus(cert.getSerialNumber().toString(16))).isEqualTo("VALID");
        assertThat(certificatesOf(device.deviceId())).isEqualTo(2);
    }

    @Test
    void aRevokedCertificateIsNeverRenewed() {
        Enrolled device = enroll(UUID.randomUUID());
        HttpResponse<String> revoked = postAsOperator(device, "/certificates/" + device.serial() + "/revoke",
                "{\"reason\":\"KEY_COMPROMISE\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        assertProblem(renewJson(device, device.serial(), DeviceKey.generate().csrPem()), 403, "CERTIFICATE_REVOKED");
        assertProblem(renewEst(device, Base64.getMimeEncoder().encodeToString(DeviceKey.generate().csrDer())), 403,
                "CERTIFICATE_REVOKED");
        assertThat(certificatesOf(device.deviceId())).isEqualTo(1);
    }

    @Test
    void aDecommissionedDeviceCannotRenew() {
        Enrolled device = enroll(UUID.randomUUID());
        HttpResponse<String> decommissioned = postAsOperator(device, "/devices/" + device.deviceId() + "/revoke", "{}");
        assertThat(decommissioned.statusCode()).as(decommissioned.body()).isEqualTo(200);

        assertProblem(renewJson(device, device.serial(), DeviceKey.generate().csrPem()), 403, "CERTIFICATE_REVOKED");
        assertThat(certificatesOf(device.deviceId())).isEqualTo(1);
    }

    @Test
    void anotherDevicesCertificateOrAnotherCustomerIsRefused() {
        Enrolled device = enroll(UUID.randomUUID());
        Enrolled other = enroll(UUID.randomUUID());

        assertProblem(renewJson(device, other.serial(), DeviceKey.generate().csrPem()), 403, "CERTIFICATE_UNKNOWN");
        assertProblem(renewJson(new Enrolled(device.deviceId(), other.customerId(), device.serial()), device.serial(),
                DeviceKey.generate().csrPem()), 403, "CERTIFICATE_UNKNOWN");
        assertThat(certificatesOf(device.deviceId())).isEqualTo(1);
        assertThat(certificatesOf(other.deviceId())).isEqualTo(1);
    }

    @Test
    void renewalWithoutOrWithAForgedOrMisboundAssertionIsUnauthorized() {
        Enrolled device = enroll(UUID.randomUUID());
        String body = "{\"csr\":\"" + DeviceKey.generate().csrPem().replace("\n", "\\n").replace("\r", "") + "\"}";

        assertProblem(ServiceSmokeChecks.send("POST", checks.baseUrl() + RENEWALS, "application/json", body), 401,
                "DEVICE_ASSERTION_INVALID");
        assertProblem(ServiceSmokeChecks.send("POST", checks.baseUrl() + RENEWALS, "application/json", body, null,
                TestServices.forgedDeviceHeaders(device.deviceId(), device.customerId(), device.serial(), "POST",
                        RENEWALS)),
                401, "DEVICE_ASSERTION_INVALID");
        // An assertion E3 made for another request cannot be replayed here.
        assertProblem(ServiceSmokeChecks.send("POST", checks.baseUrl() + RENEWALS, "application/json", body, null,
                TestServices.deviceHeaders(device.deviceId(), device.customerId(), device.serial(), "POST", REENROLL)),
                401, "DEVICE_ASSERTION_INVALID");
        // A user token is not a device identity.
        assertProblem(ServiceSmokeChecks.send("POST", checks.baseUrl() + RENEWALS, "application/json", body,
                TestJwtIssuer.token("otto", device.customerId(), "operator")), 401, "DEVICE_ASSERTION_INVALID");
        assertThat(certificatesOf(device.deviceId())).isEqualTo(1);
    }

    @Test
    void aBadCsrIsABadRequestAndIssuesNothing() {
        Enrolled device = enroll(UUID.randomUUID());
        double refusedBefore = count("RENEWAL_CSR_MALFORMED");

        assertProblem(
                renewJson(device, device.serial(),
                        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"),
                400, "CSR_MALFORMED");
        assertProblem(ServiceSmokeChecks.send("POST", checks.baseUrl() + RENEWALS, "application/json", "{not json",
                null,
                TestServices.deviceHeaders(device.deviceId(), device.customerId(), device.serial(), "POST", RENEWALS)),
                400, "MALFORMED_REQUEST_BODY");
        assertProblem(renewEst(device, "%%% not base64"), 400, "CSR_MALFORMED");
        assertThat(certificatesOf(device.deviceId())).isEqualTo(1);
        assertThat(count("RENEWAL_CSR_MALFORMED")).isEqualTo(refusedBefore + 2);
    }

    @Test
    void repeatedFailedRenewalsOfADeviceAreThrottledUntilTheWindowHasPassed() {
        // Test config: 3 failures per device within 1 h (edp.onboarding.renewal.*); the
        // clock stands still until the test moves it, so a slow machine cannot end the
        // window early.
        Enrolled device = enroll(UUID.randomUUID());
        Enrolled neighbour = enroll(UUID.randomUUID());
        String bad = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
        double throttledBefore = count("RENEWAL_TOO_MANY_FAILED_RENEWALS");
        clock.freeze();
        for (int i = 0; i < 3; i++) {
            assertProblem(renewJson(device, device.serial(), bad), 400, "CSR_MALFORMED");
        }

        // Now even a good request is turned away before it is read, on both paths.
        HttpResponse<String> throttled = renewJson(device, device.serial(), DeviceKey.generate().csrPem());
        assertProblem(throttled, 429, "TOO_MANY_FAILED_RENEWALS");
        long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isEqualTo(Duration.ofHours(1).toSeconds());
        assertProblem(renewEst(device, Base64.getMimeEncoder().encodeToString(DeviceKey.generate().csrDer())), 429,
                "TOO_MANY_FAILED_RENEWALS");
        assertThat(certificatesOf(device.deviceId())).isEqualTo(1);
        assertThat(count("RENEWAL_TOO_MANY_FAILED_RENEWALS")).isEqualTo(throttledBefore + 2);
        // Keyed by the device E3 asserted, not the address (all devices come from E3's):
        // others renew.
        assertThat(renewJson(neighbour, neighbour.serial(), DeviceKey.generate().csrPem()).statusCode()).isEqualTo(201);

        clock.advance(Duration.ofSeconds(retryAfter - 1));
        assertProblem(renewJson(device, device.serial(), DeviceKey.generate().csrPem()), 429,
                "TOO_MANY_FAILED_RENEWALS");
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> renewed = renewJson(device, device.serial(), DeviceKey.generate().csrPem());
        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(201);
        assertThat(certificatesOf(device.deviceId())).isEqualTo(2);
    }

    @Test
    void successfulRenewalsAreCappedPerDeviceInARollingWindow() {
        // Test config: at most 3 renewals per device within 24 h
        // (edp.onboarding.renewal.max-renewals).
        Enrolled device = enroll(UUID.randomUUID());
        Enrolled neighbour = enroll(UUID.randomUUID());
        double cappedBefore = count("RENEWAL_TOO_MANY_RENEWALS");
        clock.freeze();
        for (int i = 0; i < 3; i++) {
            assertThat(renewJson(device, device.serial(), DeviceKey.generate().csrPem()).statusCode()).isEqualTo(201);
        }

        HttpResponse<String> capped = renewJson(device, device.serial(), DeviceKey.generate().csrPem());

        assertProblem(capped, 429, "TOO_MANY_RENEWALS");
        assertThat(capped.headers().firstValue("Retry-After"))
            .hasValue(String.valueOf(Duration.ofHours(24).toSeconds()));
        assertProblem(renewEst(device, Base64.getMimeEncoder().encodeToString(DeviceKey.generate().csrDer())), 429,
                "TOO_MANY_RENEWALS");
        assertThat(certificatesOf(device.deviceId())).as("nothing issued beyond the cap").isEqualTo(4);
        assertThat(count("RENEWAL_TOO_MANY_RENEWALS")).isEqualTo(cappedBefore + 2);
        assertThat(renewJson(neighbour, neighbour.serial(), DeviceKey.generate().csrPem()).statusCode())
            .as("per device")
            .isEqualTo(201);

        // Another replica (or this one after a restart) knows nothing in memory and still
        // refuses: the count is the database's.
        RenewalService replica = new RenewalService(certificateStore, issuer, jdbc, clock, new OnboardingProperties(
                null, new OnboardingProperties.Renewal(null, null, 3, Duration.ofHours(24)), null, null, null));
        assertThatThrownBy(
                () -> replica.renew(new DevicePrincipal(device.deviceId(), device.customerId(), device.serial()),
                        CsrInput.text(DeviceKey.generate().csrPem())))
            .isInstanceOfSatisfying(EdpException.class, ex -> assertThat(ex.getCode()).isEqualTo("TOO_MANY_RENEWALS"));

        // Rolling: once the oldest renewal is 24 h old, one more is allowed, and then the
        // cap holds again.
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertProblem(renewJson(device, device.serial(), DeviceKey.generate().csrPem()), 429, "TOO_MANY_RENEWALS");
        clock.advance(Duration.ofSeconds(1));
        assertThat(renewJson(device, device.serial(), DeviceKey.generate().csrPem()).statusCode()).isEqualTo(201);
        assertThat(certificatesOf(device.deviceId())).isEqualTo(5);
    }

}
