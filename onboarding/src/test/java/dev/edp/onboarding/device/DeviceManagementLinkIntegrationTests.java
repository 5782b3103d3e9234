package dev.edp.onboarding.device;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.OnboardingIntegrationTest;
import dev.edp.onboarding.TestServices;
import dev.edp.onboarding.TestServices.DeviceKey;
import dev.edp.onboarding.TestServices.DeviceManagement.Received;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jwt.Jwt;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link to device-management: the device record is registered when a token is created
 * (with the operator's own token), and certificate events reach it through the outbox
 * (with the service's own token), also after device-management was down.
 */
@EdpServiceTest
class DeviceManagementLinkIntegrationTests extends OnboardingIntegrationTest {

    static final String DEVICES = "/api/devices/v1/devices";

    @Autowired
    MeterRegistry meters;

    double pendingGauge() {
        return meters.get("edp.outbox.pending").tag("outbox", "device-certificates").gauge().value();
    }

    double deadCounter() {
        return meters.get("edp.outbox.dead").tag("outbox", "device-certificates").counter().count();
    }

    HttpResponse<String> createToken(String operatorToken, String body) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + "/api/onboarding/v1/tokens", "application/json", body,
                operatorToken);
    }

    int tokensOf(UUID customer) {
        return jdbc.sql("SELECT count(*) FROM onboarding_token WHERE customer_id = :c")
            .param("c", customer)
            .query(Integer.class)
            .single();
    }

    List<Received> registrationsOf(UUID customer) {
        return TestServices.DEVICE_MANAGEMENT.received("POST", DEVICES)
            .stream()
            .filter(r -> r.body().contains(customer.toString()))
            .toList();
    }

    static String certificatePath(UUID device) {
        return "/api/devices/v1/internal/devices/" + device + "/certificate";
    }

    @Test
    void tokenCreationRegistersThePendingDeviceWithTheOperatorsTokenAndBindsTheTokenToIt() {
        UUID customer = UUID.randomUUID();
        UUID machine = UUID.randomUUID();
        String operator = TestJwtIssuer.token("otto", customer, "operator");

        HttpResponse<String> created = createToken(operator, "{\"deviceName\":\"press-7\",\"environment\":\"staging\","
                + "\"machineId\":\"" + machine + "\",\"labels\":{\"line\":\"3\"}}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        List<Received> registrations = registrationsOf(customer);
        assertThat(registrations).hasSize(1);
        Received registration = registrations.getFirst();
        assertThat(registration.authorization()).isEqualTo("Bearer " + operator);
        assertThat(JsonPath.<String>read(registration.body(), "$.customerId")).isEqualTo(customer.toString());
        assertThat(JsonPath.<String>read(registration.body(), "$.name")).isEqualTo("press-7");
        assertThat(JsonPath.<String>read(registration.body(), "$.environment")).isEqualTo("STAGING");
        assertThat(JsonPath.<String>read(registration.body(), "$.machineId")).isEqualTo(machine.toString());
        assertThat(JsonPath.<String>read(registration.body(), "$.labels.line")).isEqualTo("3");
        // device-management assigned the id; the token (and later the certificate CN)
        // carries it.
        assertThat(JsonPath.<Map<String, Object>>read(registration.body(), "$")).doesNotContainKey("id");
        assertThat(JsonPath.<String>read(created.body(), "$.deviceId"))
            .isEqualTo(TestServices.DEVICE_MANAGEMENT.assignedIds(customer).getFirst().toString());
    }

    @Test
    void aTokenWithoutDeviceNameTakesTheNameDeviceManagementGaveTheDevice() {
        UUID customer = UUID.randomUUID();
        HttpResponse<String> created = createToken(TestJwtIssuer.token("otto", customer, "operator"), "{}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JsonPath.<Map<String, Object>>read(registrationsOf(customer).getFirst().body(), "$"))
            .doesNotContainKey("name")
            .doesNotContainKey("id");
        String deviceId = JsonPath.read(created.body(), "$.deviceId");
        assertThat(JsonPath.<String>read(created.body(), "$.deviceName"))
            .isEqualTo("device-" + deviceId.substring(0, 8));
    }

    @Test
    void aRefusalOfDeviceManagementIsPassedOnAndNoTokenIsStored() {
        UUID customer = UUID.randomUUID();
        TestServices.DEVICE_MANAGEMENT
            .answerRegistrations(customer, 422, "{\"type\":\"https://edp.dev/problems/machine-not-found\","
                    + "\"title\":\"Machine not found\",\"status\":422,\"detail\":\"Machine 42 is not one of this customer's.\","
                    + "\"code\":\"MACHINE_NOT_FOUND\"}");

        HttpResponse<String> refused = createToken(TestJwtIssuer.token("otto", customer, "operator"),
                "{\"machineId\":\"" + UUID.randomUUID() + "\"}");

        assertProblem(refused, 422, "MACHINE_NOT_FOUND");
        assertThat(JsonPath.<String>read(refused.body(), "$.detail"))
            .isEqualTo("Machine 42 is not one of this customer's.");
        assertThat(tokensOf(customer)).isZero();
    }

    @Test
    void anUnavailableDeviceManagementIsA503AndNoTokenIsStored() {
        UUID customer = UUID.randomUUID();
        TestServices.DEVICE_MANAGEMENT.answerRegistrations(customer, 503, "{\"status\":503}");

        assertProblem(createToken(TestJwtIssuer.token("otto", customer, "operator"), "{}"), 503,
                "DEVICE_REGISTRY_UNAVAILABLE");
        assertThat(tokensOf(customer)).isZero();
    }

    @Test
    void badTokenRequestsAreRefusedBeforeDeviceManagementIsAsked() {
        UUID customer = UUID.randomUUID();
        assertProblem(createToken(TestJwtIssuer.token("otto", customer, "operator"), "{\"environment\":\"MARS\"}"), 400,
                "VALIDATION_FAILED");
        assertThat(registrationsOf(customer)).isEmpty();
        assertThat(tokensOf(customer)).isZero();
    }

    /**
     * Creates a token; returns its device id and secret (so a test can script
     * device-management first).
     */
    String[] enroll(UUID customer) {
        HttpResponse<String> token = createToken(TestJwtIssuer.token("otto", customer, "operator"), "{}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        String device = JsonPath.read(token.body(), "$.deviceId");
        return new String[] { device, JsonPath.read(token.body(), "$.token") };
    }

    String enrollWith(String secret) {
        HttpResponse<String> enrolled = ServiceSmokeChecks.send("POST",
                checks.baseUrl() + "/onboarding/api/v1/enrollments", "application/json",
                "{\"token\":\"" + secret + "\",\"csr\":\""
                        + DeviceKey.generate().csrPem().replace("\n", "\\n").replace("\r", "") + "\"}");
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        return JsonPath.read(enrolled.body(), "$.serial");
    }

    int outboxRows(String serial) {
        return jdbc.sql("SELECT count(*) FROM device_certificate_outbox WHERE serial = :s")
            .param("s", serial)
            .query(Integer.class)
            .single();
    }

    static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }

    @Test
    void anEnrollmentReachesDeviceManagementWithTheServiceTokenAndLeavesTheOutbox() {
        UUID customer = UUID.randomUUID();
        String[] token = enroll(customer);
        UUID device = UUID.fromString(token[0]);
        String serial = enrollWith(token[1]);

        await("device-management got the certificate",
                () -> !TestServices.DEVICE_MANAGEMENT.certificateUpdates(device).isEmpty());
        Received update = TestServices.DEVICE_MANAGEMENT.certificateUpdates(device).getFirst();
        assertThat(JsonPath.<String>read(update.body(), "$.customerId")).isEqualTo(customer.toString());
        assertThat(JsonPath.<String>read(update.body(), "$.serial")).isEqualTo(serial);
        var stored = jdbc.sql("SELECT not_before, not_after FROM device_certificate WHERE serial = :s")
            .param("s", serial)
            .query((row,
                    i) -> new Instant[] { row.getObject(1, java.time.OffsetDateTime.class).toInstant(),
                            row.getObject(2, java.time.OffsetDateTime.class).toInstant() })
            .single();
        assertThat(Instant.parse(JsonPath.read(update.body(), "$.notBefore"))).isEqualTo(stored[0]);
        assertThat(Instant.parse(JsonPath.read(update.body(), "$.notAfter"))).isEqualTo(stored[1]);
        // No user is behind this: it is the service's own token (the test issuer's, role
        // platform-service).
        assertThat(update.authorization()).startsWith("Bearer ");
        Jwt jwt = TestJwtIssuer.jwtDecoder().decode(update.authorization().substring(7));
        assertThat(jwt.getClaimAsMap("realm_access").get("roles").toString()).contains("platform-service");
        assertThat(jwt.getClaimAsString("customer_id")).isNull();
        await("the outbox row is gone", () -> outboxRows(serial) == 0);
    }

    @Test
    void whileDeviceManagementIsDownTheEventStaysAndIsDeliveredLater() {
        UUID customer = UUID.randomUUID();
        String[] token = enroll(customer);
        UUID device = UUID.fromString(token[0]);
        // Three refusals: with the test backoff (300 ms doubling) the row stays for about
        // two seconds.
        TestServices.DEVICE_MANAGEMENT.answerCertificateUpdates(device, 503, 503, 503);

        String serial = enrollWith(token[1]);

        await("a failed attempt was recorded",
                () -> jdbc.sql("SELECT coalesce(max(attempts), 0) FROM device_certificate_outbox WHERE serial = :s")
                    .param("s", serial)
                    .query(Integer.class)
                    .single() >= 1);
        assertThat(outboxRows(serial)).isEqualTo(1);
        // A 503 is not permanent: the row is pending, not dead, and the gauge counts it.
        assertThat(jdbc.sql("SELECT dead_at FROM device_certificate_outbox WHERE serial = :s")
            .param("s", serial)
            .query(java.time.OffsetDateTime.class)
            .optional()).isEmpty();
        assertThat(pendingGauge()).isGreaterThanOrEqualTo(1);
        await("a later attempt succeeded and cleared the row", () -> outboxRows(serial) == 0);
        assertThat(TestServices.DEVICE_MANAGEMENT.certificateUpdates(device)).hasSize(4);
        await("nothing is pending any more", () -> pendingGauge() == 0);
    }

    @Test
    void aPermanentRefusalMarksTheRowDeadAfterOneAttemptAndItIsNeverSentAgain() throws InterruptedException {
        UUID customer = UUID.randomUUID();
        String[] token = enroll(customer);
        UUID device = UUID.fromString(token[0]);
        TestServices.DEVICE_MANAGEMENT.refuseCertificateUpdates(device, 404, "{\"type\":\"https://edp.dev/problems/"
                + "device-not-found\",\"title\":\"Device not found\",\"status\":404,\"code\":\"DEVICE_NOT_FOUND\"}");
        double deadBefore = deadCounter();

        String serial = enrollWith(token[1]);

        await("the row is dead",
                () -> jdbc
                    .sql("SELECT count(*) FROM device_certificate_outbox WHERE serial = :s AND dead_at IS NOT NULL")
                    .param("s", serial)
                    .query(Integer.class)
                    .single() == 1);
        var row = jdbc.sql("SELECT attempts, last_error FROM device_certificate_outbox WHERE serial = :s")
            .param("s", serial)
            .query((r, i) -> new Object[] { r.getInt(1), r.getString(2) })
            .single();
        assertThat(row[0]).isEqualTo(1);
        assertThat((String) row[1]).contains("404").contains("DEVICE_NOT_FOUND");
        assertThat(deadCounter()).isEqualTo(deadBefore + 1);
        await("the dead row is not pending", () -> pendingGauge() == 0);
        // Many relay passes (200 ms) and backoffs (300 ms) later it was still sent
        // exactly once.
        Thread.sleep(1500);
        assertThat(TestServices.DEVICE_MANAGEMENT.received("PUT", certificatePath(device))).hasSize(1);
        assertThat(outboxRows(serial)).isEqualTo(1);
    }

    /**
     * Holds the rows back, then lets them fall due at one instant, so one pass claims
     * all.
     */
    void dueTogether(List<String> serials) {
        await("every row was tried once",
                () -> jdbc
                    .sql("SELECT count(*) FROM device_certificate_outbox WHERE serial = ANY(:s) AND attempts >= 1")
                    .param("s", serials.toArray(String[]::new))
                    .query(Integer.class)
                    .single() == serials.size());
        jdbc.sql("UPDATE device_certificate_outbox SET next_attempt_at = now() + interval '2 seconds' "
                + "WHERE serial = ANY(:s)")
            .param("s", serials.toArray(String[]::new))
            .update();
    }

    @Test
    void certificatesDueTogetherGoInOneCallAndOneRefusedIsFoundAndDeadWhileTheOthersAreDelivered() {
        UUID customer = UUID.randomUUID();
        List<String[]> tokens = List.of(enroll(customer), enroll(customer), enroll(customer));
        List<UUID> devices = tokens.stream().map(token -> UUID.fromString(token[0])).toList();
        // Each row fails alone first (503 is transient), so the rows can be held back.
        devices.forEach(device -> TestServices.DEVICE_MANAGEMENT.answerCertificateUpdates(device, 503, 503, 503, 503,
                503, 503, 503, 503, 503, 503));
        List<String> serials = tokens.stream().map(token -> enrollWith(token[1])).toList();
        dueTogether(serials);
        UUID refused = devices.get(2);
        int batchesBefore = batchesWithAll(devices).size();
        int refusedAloneBefore = TestServices.DEVICE_MANAGEMENT.received("PUT", certificatePath(refused)).size();
        devices.forEach(device -> TestServices.DEVICE_MANAGEMENT.answerCertificateUpdates(device));
        TestServices.DEVICE_MANAGEMENT.refuseCertificateUpdates(refused, 409,
                "{\"title\":\"Device of another " + "customer\",\"status\":409,\"code\":\"DEVICE_CUSTOMER_MISMATCH\"}");

        await("the delivered rows are gone and the refused one is dead", () -> outboxRows(serials.get(0)) == 0
                && outboxRows(serials.get(1)) == 0
                && jdbc.sql("SELECT count(*) FROM device_certificate_outbox WHERE serial = :s AND dead_at IS NOT NULL")
                    .param("s", serials.get(2))
                    .query(Integer.class)
                    .single() == 1);
        // One call with all three first, with the service's token and each certificate
        // as the single update carries it.
        List<Received> batches = batchesWithAll(devices);
        assertThat(batches).hasSize(batchesBefore + 1);
        Received batch = batches.getLast();
        assertThat(JsonPath.<List<Object>>read(batch.body(), "$.certificates")).hasSize(3);
        assertThat(JsonPath.<String>read(batch.body(), "$.certificates[0].deviceId"))
            .isEqualTo(devices.get(0).toString());
        assertThat(JsonPath.<String>read(batch.body(), "$.certificates[0].certificate.serial"))
            .isEqualTo(serials.get(0));
        assertThat(JsonPath.<String>read(batch.body(), "$.certificates[0].certificate.customerId"))
            .isEqualTo(customer.toString());
        Jwt jwt = TestJwtIssuer.jwtDecoder().decode(batch.authorization().substring(7));
        assertThat(jwt.getClaimAsMap("realm_access").get("roles").toString()).contains("platform-service");
        // The refusal was split down to the refused certificate, which was then refused
        // alone once; the others were taken.
        assertThat(TestServices.DEVICE_MANAGEMENT.received("PUT", certificatePath(refused)))
            .hasSize(refusedAloneBefore + 1);
        assertThat(jdbc.sql("SELECT last_error FROM device_certificate_outbox WHERE serial = :s")
            .param("s", serials.get(2))
            .query(String.class)
            .single()).contains("409").contains("DEVICE_CUSTOMER_MISMATCH");
    }

    /** The batch calls that carried a certificate of each of these devices. */
    static List<Received> batchesWithAll(List<UUID> devices) {
        return TestServices.DEVICE_MANAGEMENT.received("POST", "/api/devices/v1/internal/certificates")
            .stream()
            .filter(batch -> devices.stream().allMatch(device -> batch.body().contains(device.toString())))
            .toList();
    }

}
