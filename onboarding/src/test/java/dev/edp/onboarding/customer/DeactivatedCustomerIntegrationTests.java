package dev.edp.onboarding.customer;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.OnboardingIntegrationTest;
import dev.edp.onboarding.Rows;
import dev.edp.onboarding.TestClock;
import dev.edp.onboarding.TestServices;
import dev.edp.onboarding.TestServices.DeviceKey;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static dev.edp.onboarding.TestServices.MASTERDATA;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deactivated customer's devices get no certificate: outstanding tokens do not enroll
 * (JSON and EST), enrolled devices do not renew, and nothing is issued or used up.
 * Onboarding asks masterdata (a real HTTP stand-in found through discovery) with its own
 * service token; the cache of 30 s is crossed by moving the service's {@link TestClock}.
 */
@EdpServiceTest
@Import(TestClock.Config.class)
class DeactivatedCustomerIntegrationTests extends OnboardingIntegrationTest {

    static final Duration PAST_CACHE = Duration.ofSeconds(31);

    @Autowired
    TestClock clock;

    @AfterEach
    void restore() {
        MASTERDATA.failing(false);
        clock.release();
    }

    /** Creates a token as the customer's operator; returns [id, secret, deviceId]. */
    String[] token(UUID customer) {
        HttpResponse<String> response = ServiceSmokeChecks.send("POST", checks.baseUrl() + "/api/onboarding/v1/tokens",
                "application/json", "{}", TestJwtIssuer.token("otto", customer, "operator"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new String[] { JsonPath.read(response.body(), "$.id"), JsonPath.read(response.body(), "$.token"),
                JsonPath.read(response.body(), "$.deviceId") };
    }

    HttpResponse<String> enrollJson(String secret, DeviceKey key) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + "/onboarding/api/v1/enrollments", "application/json",
                "{\"token\":\"" + secret + "\",\"csr\":\"" + key.csrPem().replace("\n", "\\n").replace("\r", "")
                        + "\"}");
    }

    HttpResponse<String> enrollEst(String secret, DeviceKey key) {
        String basic = "Basic "
                + Base64.getEncoder().encodeToString(("dev:" + secret).getBytes(StandardCharsets.UTF_8));
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + "/.well-known/est/simpleenroll", "application/pkcs10",
                Base64.getMimeEncoder().encodeToString(key.csrDer()), null, Map.of("Authorization", basic));
    }

    HttpResponse<String> renew(UUID device, UUID customer, String serial, String path, String contentType,
            String body) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + path, contentType, body, null,
                TestServices.deviceHeaders(device, customer, serial, "POST", path));
    }

    String tokenStatus(String tokenId) {
        return Rows.tokenStatus(jdbc, tokenId);
    }

    int certificatesOfDevice(String deviceId) {
        return Rows.count(jdbc, "device_certificate", "device_id", deviceId);
    }

    int outboxRowsOfDevice(String deviceId) {
        return Rows.count(jdbc, "device_certificate_outbox", "device_id", deviceId);
    }

    @Test
    void aDeactivatedCustomersTokenCannotEnrollAndIsNotUsedUp() {
        UUID customer = UUID.randomUUID();
        String[] token = token(customer);
        int askedForTheOperator = MASTERDATA.asked(customer).size();
        MASTERDATA.deactivate(customer);
        DeviceKey key = DeviceKey.generate();

        assertProblem(enrollJson(token[1], key), 403, "CUSTOMER_DEACTIVATED");
        assertProblem(enrollEst(token[1], key), 403, "CUSTOMER_DEACTIVATED");

        assertThat(tokenStatus(token[0])).isEqualTo("ACTIVE");
        assertThat(certificatesOfDevice(token[2])).isZero();
        assertThat(outboxRowsOfDevice(token[2])).isZero();
        // Asked as the platform's service: no device carries a user token.
        List<TestServices.Masterdata.Asked> asked = MASTERDATA.asked(customer);
        assertThat(asked.subList(askedForTheOperator, asked.size())).isNotEmpty().allSatisfy(request -> {
            String claims = new String(
                    Base64.getUrlDecoder()
                        .decode(request.authorization().substring("Bearer ".length()).split("\\.")[1]),
                    StandardCharsets.UTF_8);
            assertThat(claims).contains("platform-service").doesNotContain(customer.toString());
        });
        // An unknown token is still just unknown: the customer of a token is not revealed
        // to guessers.
        assertProblem(enrollJson("edp_ot_guessed", key), 401, "TOKEN_UNKNOWN");

        // Reactivated (and past the cache), the very same token enrolls: it was not used
        // up.
        MASTERDATA.activate(customer);
        clock.advance(PAST_CACHE);
        HttpResponse<String> enrolled = enrollJson(token[1], key);
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        assertThat(tokenStatus(token[0])).isEqualTo("USED");
    }

    @Test
    void aDeactivatedCustomersDeviceCannotRenew() {
        UUID customer = UUID.randomUUID();
        String[] token = token(customer);
        HttpResponse<String> enrolled = enrollJson(token[1], DeviceKey.generate());
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        UUID device = UUID.fromString(token[2]);
        String serial = JsonPath.read(enrolled.body(), "$.serial");
        MASTERDATA.deactivate(customer);
        // Onboarding learned "active" at enrollment; deactivation reaches it within the
        // cache time.
        clock.advance(PAST_CACHE);

        assertProblem(
                renew(device, customer, serial, "/onboarding/api/v1/renewals", "application/json",
                        "{\"csr\":\"" + DeviceKey.generate().csrPem().replace("\n", "\\n").replace("\r", "") + "\"}"),
                403, "CUSTOMER_DEACTIVATED");
        assertProblem(
                renew(device, customer, serial, "/.well-known/est/simplereenroll", "application/pkcs10",
                        Base64.getMimeEncoder().encodeToString(DeviceKey.generate().csrDer())),
                403, "CUSTOMER_DEACTIVATED");

        assertThat(certificatesOfDevice(token[2])).isEqualTo(1);
    }

    @Test
    void whenMasterdataCannotBeAskedNothingIsIssued() {
        UUID customer = UUID.randomUUID();
        String[] token = token(customer);
        MASTERDATA.failing(true);
        DeviceKey key = DeviceKey.generate();

        HttpResponse<String> refused = enrollJson(token[1], key);

        assertProblem(refused, 503, "CUSTOMER_STATUS_UNAVAILABLE");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(tokenStatus(token[0])).isEqualTo("ACTIVE");
        assertThat(certificatesOfDevice(token[2])).isZero();

        // Masterdata back, and the 5 s pause after a failure over: the device's retry
        // enrolls.
        MASTERDATA.failing(false);
        clock.advance(Duration.ofSeconds(6));
        HttpResponse<String> enrolled = enrollJson(token[1], key);
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
    }

}
