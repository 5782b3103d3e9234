package dev.edp.platform.device;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.edp.test.device.TestE3;
import dev.edp.test.device.TestE3.Device;
import dev.edp.test.security.WithTestJwtIssuer;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CallerAddress} in a real servlet service over real HTTP: the client address of
 * E3's verified request proof, else the socket's; never a header a caller wrote. The
 * service believes it runs on Kubernetes, where Boot would otherwise honour
 * {@code X-Forwarded-For}. It fetches its request key from the E3 stand-in with the test
 * issuer's service token.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "eureka.client.enabled=false", "spring.cloud.discovery.enabled=false",
                "management.server.port=0", "spring.application.name=onboarding",
                "spring.main.cloud-platform=kubernetes", "edp.security.public-paths=/public/**",
                "edp.device.paths=/device/**" })
class CallerAddressTests {

    static final TestE3 E3 = TestE3.shared();

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        E3.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @Value("${local.server.port}")
    int port;

    String url(String pathAndQuery) {
        return "http://localhost:" + port + pathAndQuery;
    }

    String caller(String pathAndQuery, Map<String, String> headers) {
        var response = send("POST", url(pathAndQuery), null, null, null, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void directCallerIsItsSocketAddressWhateverHeadersItSends() {
        assertThat(caller("/public/address", Map.of())).isEqualTo("127.0.0.1");
        assertThat(caller("/public/address",
                Map.of("X-Forwarded-For", "203.0.113.9", "X-Real-IP", "203.0.113.9", "Forwarded", "for=203.0.113.9")))
            .isEqualTo("127.0.0.1");
        assertThat(caller("/public/address",
                Map.of(TestE3.PROOF_HEADER,
                        E3.forgedProof(null, "onboarding", "POST", "/public/address", null, "203.0.113.9"))))
            .isEqualTo("127.0.0.1");
        assertThat(caller("/public/address", Map.of(TestE3.PROOF_HEADER, "not-a-proof"))).isEqualTo("127.0.0.1");
    }

    @Test
    void callerThroughE3IsTheAddressE3Proved() {
        Map<String, String> headers = new HashMap<>(
                E3.anonymousHeaders("onboarding", "POST", "/public/address", "x=1", "198.51.100.7"));
        headers.put("X-Forwarded-For", "203.0.113.9");
        assertThat(caller("/public/address?x=1", headers)).isEqualTo("198.51.100.7");
        // E3's proof for another request (replayed) does not count.
        assertThat(caller("/public/address?x=2",
                E3.anonymousHeaders("onboarding", "POST", "/public/address", "x=1", "198.51.100.7")))
            .isEqualTo("127.0.0.1");
        // Nor one for another service.
        assertThat(caller("/public/address?x=1",
                E3.anonymousHeaders("monitoring", "POST", "/public/address", "x=1", "198.51.100.7")))
            .isEqualTo("127.0.0.1");
    }

    @Test
    void deviceRequestCarriesTheAddressOfItsProof() {
        UUID device = UUID.randomUUID();
        String credential = E3.credential(Device.of(device, UUID.randomUUID()), "onboarding");
        assertThat(caller("/device/address",
                Map.of(TestE3.CREDENTIAL_HEADER, credential, TestE3.PROOF_HEADER,
                        E3.proof(credential, "onboarding", "POST", "/device/address", null, "2001:db8::7"))))
            .isEqualTo(device + " 2001:db8:0:0:0:0:0:7");
    }

    @Test
    void deviceRequestWithoutAValidAssertionIsRefused() {
        String credential = E3.credential(Device.of(UUID.randomUUID(), UUID.randomUUID()), "onboarding");
        var forged = send("POST", url("/device/address"), null, null, null,
                Map.of(TestE3.CREDENTIAL_HEADER, credential, TestE3.PROOF_HEADER,
                        E3.forgedProof(credential, "onboarding", "POST", "/device/address", null, "127.0.0.1")));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("\"code\":\"DEVICE_ASSERTION_INVALID\"");
        var anonymous = send("POST", url("/device/address"), null, null, null,
                E3.anonymousHeaders("onboarding", "POST", "/device/address", null, "127.0.0.1"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        var credentialOnly = send("POST", url("/device/address"), null, null, null,
                Map.of(TestE3.CREDENTIAL_HEADER, credential));
        assertThat(credentialOnly.statusCode()).isEqualTo(401);
    }

    @RestController
    static class AddressController {

        private final CallerAddress callers;

        AddressController(CallerAddress callers) {
            this.callers = callers;
        }

        @PostMapping("/public/address")
        String address(HttpServletRequest request) {
            return callers.of(request);
        }

        @PostMapping("/device/address")
        String device(DevicePrincipal device, HttpServletRequest request) {
            return device.deviceId() + " " + callers.of(request);
        }

    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(AddressController.class)
    static class App {

    }

}
