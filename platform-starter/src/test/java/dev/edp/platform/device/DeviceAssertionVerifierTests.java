package dev.edp.platform.device;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.JwtException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The services' side of E3's device assertion, against a real JWKS served over HTTP. */
class DeviceAssertionVerifierTests {

    static ECKey e3Key;
    static ECKey otherKey;
    static StubBackend jwks;
    static DeviceAssertionVerifier verifier;

    static final UUID DEVICE = UUID.randomUUID();
    static final UUID CUSTOMER = UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        e3Key = new ECKeyGenerator(Curve.P_256).keyID("e3-1").generate();
        otherKey = new ECKeyGenerator(Curve.P_256).keyID("e3-1").generate();
        jwks = StubBackend.start().script("/actuator/device-jwks",
                new Answer(200, "application/json", new JWKSet(e3Key.toPublicJWK()).toString(), 0));
        verifier = new DeviceAssertionVerifier(jwks.url() + "/actuator/device-jwks", "monitoring");
    }

    @AfterAll
    static void stop() {
        jwks.close();
    }

    static String assertion(ECKey key, String audience, Instant issued, Instant expires, String method, String path)
            throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("edp-e3").subject(DEVICE.toString())
                .audience(audience).claim("customer_id", CUSTOMER.toString()).claim("serial", "0a1b")
                .issueTime(Date.from(issued)).notBeforeTime(Date.from(issued)).expirationTime(Date.from(expires))
                .claim("htm", method).claim("htp", path).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static String valid(String method, String path) throws Exception {
        Instant now = Instant.now();
        return assertion(e3Key, "monitoring", now, now.plusSeconds(30), method, path);
    }

    @Test
    void validAssertionGivesTheDevice() throws Exception {
        DevicePrincipal device = verifier.verify(valid("POST", "/monitoring/api/v1/heartbeat"), "POST",
                "/monitoring/api/v1/heartbeat");
        assertThat(device.deviceId()).isEqualTo(DEVICE);
        assertThat(device.customerId()).isEqualTo(CUSTOMER);
        assertThat(device.serial()).isEqualTo("0a1b");
    }

    @Test
    void missingAssertionIsRefused() {
        assertThatThrownBy(() -> verifier.verify(null, "GET", "/x")).isInstanceOf(JwtException.class);
    }

    @Test
    void assertionSignedByAnotherKeyIsRefused() throws Exception {
        Instant now = Instant.now();
        String forged = assertion(otherKey, "monitoring", now, now.plusSeconds(30), "GET", "/x");
        assertThatThrownBy(() -> verifier.verify(forged, "GET", "/x")).isInstanceOf(JwtException.class);
    }

    @Test
    void expiredAssertionIsRefused() throws Exception {
        Instant past = Instant.now().minusSeconds(120);
        String expired = assertion(e3Key, "monitoring", past, past.plusSeconds(30), "GET", "/x");
        assertThatThrownBy(() -> verifier.verify(expired, "GET", "/x")).isInstanceOf(JwtException.class);
    }

    @Test
    void assertionForAnotherServiceOrRequestIsRefused() throws Exception {
        Instant now = Instant.now();
        String otherService = assertion(e3Key, "device-management", now, now.plusSeconds(30), "GET", "/x");
        assertThatThrownBy(() -> verifier.verify(otherService, "GET", "/x")).isInstanceOf(JwtException.class);
        String heartbeat = valid("POST", "/monitoring/api/v1/heartbeat");
        assertThatThrownBy(() -> verifier.verify(heartbeat, "POST", "/monitoring/api/v1/other"))
                .isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> verifier.verify(heartbeat, "GET", "/monitoring/api/v1/heartbeat"))
                .isInstanceOf(JwtException.class);
    }

    @Test
    void longLivedAssertionIsRefused() throws Exception {
        Instant now = Instant.now();
        String tooLong = assertion(e3Key, "monitoring", now, now.plusSeconds(3600), "GET", "/x");
        assertThatThrownBy(() -> verifier.verify(tooLong, "GET", "/x")).isInstanceOf(JwtException.class);
    }
}
