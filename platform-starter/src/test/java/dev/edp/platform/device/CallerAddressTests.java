package dev.edp.platform.device;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
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
 * {@link CallerAddress} in a real servlet service over real HTTP: the client address of E3's
 * verified assertion, else the socket's; never a header a caller wrote. The service believes it runs
 * on Kubernetes, where Boot would otherwise honour {@code X-Forwarded-For}.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false", "spring.cloud.discovery.enabled=false", "management.server.port=0",
        "spring.application.name=onboarding", "spring.main.cloud-platform=kubernetes",
        "edp.security.public-paths=/public/**", "edp.device.paths=/device/**" })
class CallerAddressTests {

    static final ECKey E3 = key();
    static final ECKey FORGER = key();
    static final StubBackend JWKS = StubBackend.start().script("/actuator/device-jwks",
            new Answer(200, "application/json", new JWKSet(E3.toPublicJWK()).toString(), 0));

    @DynamicPropertySource
    static void e3(DynamicPropertyRegistry registry) {
        registry.add("edp.device.jwks-uri", () -> JWKS.url() + "/actuator/device-jwks");
    }

    @Value("${local.server.port}")
    int port;

    String url(String pathAndQuery) {
        return "http://localhost:" + port + pathAndQuery;
    }

    static ECKey key() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("e3").generate();
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** E3's assertion for a request; {@code device} null: a request without a device certificate. */
    static String assertion(ECKey key, UUID device, String method, String path, String query, String cip) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer("edp-e3").audience("onboarding")
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(30)))
                .jwtID(UUID.randomUUID().toString()).claim("htm", method).claim("htp", path)
                .claim("htq", DeviceAssertionVerifier.queryHash(query)).claim("cip", cip);
        if (device != null) {
            claims.subject(device.toString()).claim("customer_id", UUID.randomUUID().toString()).claim("serial", "0a");
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("e3").build(), claims.build());
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }

    String caller(String pathAndQuery, Map<String, String> headers) {
        var response = send("POST", url(pathAndQuery), null, null, null, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void directCallerIsItsSocketAddressWhateverHeadersItSends() {
        assertThat(caller("/public/address", Map.of())).isEqualTo("127.0.0.1");
        assertThat(caller("/public/address", Map.of("X-Forwarded-For", "203.0.113.9", "X-Real-IP", "203.0.113.9",
                "Forwarded", "for=203.0.113.9"))).isEqualTo("127.0.0.1");
        assertThat(caller("/public/address", Map.of("X-EDP-Device-Assertion",
                assertion(FORGER, null, "POST", "/public/address", null, "203.0.113.9")))).isEqualTo("127.0.0.1");
        assertThat(caller("/public/address", Map.of("X-EDP-Device-Assertion", "not-a-jwt"))).isEqualTo("127.0.0.1");
    }

    @Test
    void callerThroughE3IsTheAddressE3Signed() {
        assertThat(caller("/public/address?x=1", Map.of("X-EDP-Device-Assertion",
                assertion(E3, null, "POST", "/public/address", "x=1", "198.51.100.7"), "X-Forwarded-For", "203.0.113.9")))
                .isEqualTo("198.51.100.7");
        // E3's assertion for another request (replayed) does not count.
        assertThat(caller("/public/address?x=2", Map.of("X-EDP-Device-Assertion",
                assertion(E3, null, "POST", "/public/address", "x=1", "198.51.100.7")))).isEqualTo("127.0.0.1");
    }

    @Test
    void deviceRequestCarriesTheAddressOfItsAssertion() {
        UUID device = UUID.randomUUID();
        assertThat(caller("/device/address", Map.of("X-EDP-Device-Assertion",
                assertion(E3, device, "POST", "/device/address", null, "2001:db8::7"))))
                .isEqualTo(device + " 2001:db8:0:0:0:0:0:7");
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
