package dev.edp.onboarding.token;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.TestServices;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The enrollment failure throttle with its production limit (20 failures per window),
 * keyed by the caller's address. Every request here reaches onboarding from 127.0.0.1, as
 * every request through E3 reaches it from E3's address; the ones "through E3" carry E3's
 * signed assertion naming the device's address, as E3 adds it to every routed request.
 */
@EdpServiceTest
@TestPropertySource(
        properties = { "edp.onboarding.enrollment.max-failures=20", "edp.onboarding.enrollment.failure-window=PT10M" })
class EnrollmentThrottleIntegrationTests {

    static final String ENROLL = "/onboarding/api/v1/enrollments";
    static final String BAD = "{\"token\":\"edp_ot_no-such-token\",\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\"}";

    @Autowired
    ServiceSmokeChecks checks;

    static String randomAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "198.51." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    HttpResponse<String> enroll(String body, Map<String, String> headers) {
        return ServiceSmokeChecks.send("POST", checks.baseUrl() + ENROLL, "application/json", body, null, headers);
    }

    HttpResponse<String> throughE3(String deviceAddress, String body) {
        return enroll(body, TestServices.clientHeaders("POST", ENROLL, null, deviceAddress));
    }

    String goodEnrollment() {
        UUID customer = UUID.randomUUID();
        HttpResponse<String> token = ServiceSmokeChecks.send("POST", checks.baseUrl() + "/api/onboarding/v1/tokens",
                "application/json", "{\"deviceName\":\"press-" + customer + "\",\"environment\":\"TESTING\"}",
                TestJwtIssuer.token("otto", customer, "operator"));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        String csr = TestServices.DeviceKey.generate().csrPem().replace("\n", "\\n").replace("\r", "");
        return "{\"token\":\"" + JsonPath.read(token.body(), "$.token") + "\",\"csr\":\"" + csr + "\"}";
    }

    @Test
    void badEnrollmentsThroughE3FromOneDeviceAddressDoNotThrottleAnotherAddress() {
        String attacker = randomAddress();
        for (int i = 0; i < 20; i++) {
            assertProblem(throughE3(attacker, BAD), 401, "TOKEN_UNKNOWN");
        }
        HttpResponse<String> blocked = throughE3(attacker, BAD);
        assertProblem(blocked, 429, "TOO_MANY_FAILED_ENROLLMENTS");
        assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
        assertProblem(throughE3(attacker, goodEnrollment()), 429, "TOO_MANY_FAILED_ENROLLMENTS");

        // Another device behind the same E3 (same socket address) enrolls as usual.
        String device = randomAddress();
        assertProblem(throughE3(device, BAD), 401, "TOKEN_UNKNOWN");
        HttpResponse<String> enrolled = throughE3(device, goodEnrollment());
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
    }

    @Test
    void forgedAddressHeadersOfADirectCallerDoNotChangeItsKey() {
        // 127.0.0.1 is this caller's socket address; whatever it claims, its failures
        // count there.
        for (int i = 0; i < 20; i++) {
            String claimed = randomAddress();
            Map<String, String> forged = i % 2 == 0
                    ? Map.of("X-Forwarded-For", claimed, "Forwarded", "for=" + claimed, "X-Real-IP", claimed)
                    : TestServices.forgedClientHeaders("POST", ENROLL, null, claimed);
            assertProblem(enroll(BAD, forged), 401, "TOKEN_UNKNOWN");
        }
        assertProblem(enroll(BAD, Map.of("X-Forwarded-For", randomAddress())), 429, "TOO_MANY_FAILED_ENROLLMENTS");
        // E3's genuine proof for another request (a replay with another query) counts as
        // no proof.
        assertProblem(enroll(BAD, TestServices.clientHeaders("POST", ENROLL, "x=1", randomAddress())), 429,
                "TOO_MANY_FAILED_ENROLLMENTS");
        // Devices behind E3 are not affected by the blocked socket address.
        assertProblem(throughE3(randomAddress(), BAD), 401, "TOKEN_UNKNOWN");
    }

}
