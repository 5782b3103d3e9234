package dev.edp.platform.device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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

    static final String JWKS_PATH = "/actuator/device-jwks";

    static ECKey e3Key;
    static ECKey otherKey;
    static StubBackend jwks;
    static DeviceAssertionVerifier verifier;

    static final UUID DEVICE = UUID.randomUUID();
    static final UUID CUSTOMER = UUID.randomUUID();

    /** A clock the test moves. */
    static final class MutableClock extends Clock {

        Instant now = Instant.now();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        e3Key = new ECKeyGenerator(Curve.P_256).keyID("e3-1").generate();
        otherKey = new ECKeyGenerator(Curve.P_256).keyID("e3-1").generate();
        jwks = StubBackend.start().script(JWKS_PATH, jwksAnswer(e3Key));
        verifier = new DeviceAssertionVerifier(jwks.url() + JWKS_PATH, "monitoring");
    }

    @AfterAll
    static void stop() {
        jwks.close();
    }

    static Answer jwksAnswer(ECKey... keys) {
        return new Answer(200, "application/json",
                new JWKSet(java.util.Arrays.stream(keys).map(key -> (com.nimbusds.jose.jwk.JWK) key.toPublicJWK()).toList())
                        .toString(), 0);
    }

    static JWTClaimsSet.Builder claims(String audience, Instant issued, Instant expires, String method, String path) {
        return new JWTClaimsSet.Builder().issuer("edp-e3").subject(DEVICE.toString())
                .audience(audience).claim("customer_id", CUSTOMER.toString()).claim("serial", "0a1b")
                .issueTime(Date.from(issued)).notBeforeTime(Date.from(issued)).expirationTime(Date.from(expires))
                .claim("htm", method).claim("htp", path);
    }

    static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static String assertion(ECKey key, String audience, Instant issued, Instant expires, String method, String path)
            throws Exception {
        return sign(key, claims(audience, issued, expires, method, path).build());
    }

    static String valid(String method, String path) throws Exception {
        Instant now = Instant.now();
        return assertion(e3Key, "monitoring", now, now.plusSeconds(30), method, path);
    }

    @Test
    void validAssertionGivesTheDevice() throws Exception {
        DevicePrincipal device = verifier.verify(valid("POST", "/monitoring/api/v1/heartbeat"), "POST",
                "/monitoring/api/v1/heartbeat", null);
        assertThat(device.deviceId()).isEqualTo(DEVICE);
        assertThat(device.customerId()).isEqualTo(CUSTOMER);
        assertThat(device.serial()).isEqualTo("0a1b");
    }

    @Test
    void missingAssertionIsRefused() {
        assertThatThrownBy(() -> verifier.verify(null, "GET", "/x", null)).isInstanceOf(JwtException.class);
    }

    @Test
    void assertionSignedByAnotherKeyIsRefused() throws Exception {
        Instant now = Instant.now();
        String forged = assertion(otherKey, "monitoring", now, now.plusSeconds(30), "GET", "/x");
        assertThatThrownBy(() -> verifier.verify(forged, "GET", "/x", null)).isInstanceOf(JwtException.class);
    }

    @Test
    void expiredAssertionIsRefused() throws Exception {
        Instant past = Instant.now().minusSeconds(120);
        String expired = assertion(e3Key, "monitoring", past, past.plusSeconds(30), "GET", "/x");
        assertThatThrownBy(() -> verifier.verify(expired, "GET", "/x", null)).isInstanceOf(JwtException.class);
    }

    @Test
    void assertionForAnotherServiceOrRequestIsRefused() throws Exception {
        Instant now = Instant.now();
        String otherService = assertion(e3Key, "device-management", now, now.plusSeconds(30), "GET", "/x");
        assertThatThrownBy(() -> verifier.verify(otherService, "GET", "/x", null)).isInstanceOf(JwtException.class);
        String heartbeat = valid("POST", "/monitoring/api/v1/heartbeat");
        assertThatThrownBy(() -> verifier.verify(heartbeat, "POST", "/monitoring/api/v1/other", null))
                .isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> verifier.verify(heartbeat, "GET", "/monitoring/api/v1/heartbeat", null))
                .isInstanceOf(JwtException.class);
    }

    @Test
    void assertionReplayedWithAnotherQueryIsRefused() throws Exception {
        Instant now = Instant.now();
        String path = "/devices/api/v1/device/desired-state";
        String bound = sign(e3Key, claims("monitoring", now, now.plusSeconds(30), "GET", path)
                .claim("htq", DeviceAssertionVerifier.queryHash("wait=30")).build());
        assertThat(verifier.verify(bound, "GET", path, "wait=30").deviceId()).isEqualTo(DEVICE);
        for (String other : new String[] { "wait=31", "wait=30&x=1", "", null, "WAIT=30", "wait%3D30" }) {
            assertThatThrownBy(() -> verifier.verify(bound, "GET", path, other)).as(String.valueOf(other))
                    .isInstanceOf(JwtException.class).hasMessageContaining("another query");
        }
        // Without htq an assertion is bound to "no query": it cannot be replayed with one either.
        String unbound = valid("GET", path);
        assertThat(verifier.verify(unbound, "GET", path, null).deviceId()).isEqualTo(DEVICE);
        assertThat(verifier.verify(unbound, "GET", path, "").deviceId()).isEqualTo(DEVICE);
        assertThatThrownBy(() -> verifier.verify(unbound, "GET", path, "wait=30")).isInstanceOf(JwtException.class);
    }

    @Test
    void assertionWithoutDeviceGivesTheAddressButNoDevice() throws Exception {
        Instant now = Instant.now();
        String path = "/onboarding/api/v1/enrollments";
        String anonymous = sign(e3Key, new JWTClaimsSet.Builder().issuer("edp-e3").audience("monitoring")
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(30)))
                .claim("htm", "POST").claim("htp", path).claim("htq", DeviceAssertionVerifier.queryHash(null))
                .claim("cip", "2001:db8:0:0:0:0:0:1").build());
        assertThatThrownBy(() -> verifier.verify(anonymous, "POST", path, null)).isInstanceOf(JwtException.class);
        assertThat(verifier.verifiedClientAddress(anonymous, "POST", path, null)).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThatThrownBy(() -> verifier.verifiedClientAddress(anonymous, "POST", "/onboarding/other", null))
                .isInstanceOf(JwtException.class);
        String notAnAddress = sign(e3Key, claims("monitoring", now, now.plusSeconds(30), "POST", path)
                .claim("cip", "evil.example.org").build());
        assertThatThrownBy(() -> verifier.verifiedClientAddress(notAnAddress, "POST", path, null))
                .isInstanceOf(JwtException.class);
    }

    @Test
    void longLivedAssertionIsRefused() throws Exception {
        Instant now = Instant.now();
        String tooLong = assertion(e3Key, "monitoring", now, now.plusSeconds(3600), "GET", "/x");
        assertThatThrownBy(() -> verifier.verify(tooLong, "GET", "/x", null)).isInstanceOf(JwtException.class);
    }

    @Test
    void keyPublishedAfterTheJwksWasCachedIsFetchedAtOnce() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("first").generate();
        ECKey next = new ECKeyGenerator(Curve.P_256).keyID("next").generate();
        String path = "/jwks-" + UUID.randomUUID();
        jwks.script(path, jwksAnswer(first));
        MutableClock clock = new MutableClock();
        DeviceAssertionVerifier cached = new DeviceAssertionVerifier(jwks.url() + path, "monitoring",
                Duration.ofSeconds(5), clock);
        assertThat(cached.verify(sign(first, claims("monitoring", clock.now, clock.now.plusSeconds(30), "GET", "/x")
                .build()), "GET", "/x", null).deviceId()).isEqualTo(DEVICE);
        assertThat(jwks.calls(path)).isEqualTo(1);

        // E3 publishes a new key (a restart, a rotation); the service's copy does not know it yet.
        jwks.script(path, jwksAnswer(first, next));
        clock.now = clock.now.plusSeconds(6);
        assertThat(cached.verify(sign(next, claims("monitoring", clock.now, clock.now.plusSeconds(30), "GET", "/x")
                .build()), "GET", "/x", null).deviceId()).isEqualTo(DEVICE);
        assertThat(jwks.calls(path)).isEqualTo(2);
        // Known keys are served from the cache.
        assertThat(cached.verify(sign(first, claims("monitoring", clock.now, clock.now.plusSeconds(30), "GET", "/x")
                .build()), "GET", "/x", null).deviceId()).isEqualTo(DEVICE);
        assertThat(jwks.calls(path)).isEqualTo(2);
    }

    @Test
    void unknownKeyIdsCauseAtMostOneFetchPerInterval() throws Exception {
        String path = "/jwks-" + UUID.randomUUID();
        jwks.script(path, jwksAnswer(e3Key));
        MutableClock clock = new MutableClock();
        DeviceAssertionVerifier burst = new DeviceAssertionVerifier(jwks.url() + path, "monitoring",
                Duration.ofSeconds(5), clock);
        burst.verify(sign(e3Key, claims("monitoring", clock.now, clock.now.plusSeconds(30), "GET", "/x").build()),
                "GET", "/x", null);
        assertThat(jwks.calls(path)).isEqualTo(1);

        for (int i = 0; i < 50; i++) {
            ECKey garbage = new ECKeyGenerator(Curve.P_256).keyID("garbage-" + i).generate();
            String made = sign(garbage, claims("monitoring", clock.now, clock.now.plusSeconds(30), "GET", "/x").build());
            assertThatThrownBy(() -> burst.verify(made, "GET", "/x", null)).isInstanceOf(JwtException.class);
            clock.now = clock.now.plusMillis(50);
        }
        // 50 unknown kids within 2.5 s of the last fetch: not one more fetch.
        assertThat(jwks.calls(path)).isEqualTo(1);
        int afterBurst = jwks.calls(path);
        clock.now = clock.now.plusSeconds(3);
        ECKey garbage = new ECKeyGenerator(Curve.P_256).keyID("garbage-late").generate();
        String late = sign(garbage, claims("monitoring", clock.now, clock.now.plusSeconds(30), "GET", "/x").build());
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> burst.verify(late, "GET", "/x", null)).isInstanceOf(JwtException.class);
        }
        assertThat(jwks.calls(path)).isEqualTo(afterBurst + 1);
        // The known key still verifies throughout.
        assertThat(burst.verify(sign(e3Key, claims("monitoring", clock.now, clock.now.plusSeconds(30), "GET", "/x")
                .build()), "GET", "/x", null).deviceId()).isEqualTo(DEVICE);
    }

    @Test
    void knownKeysStayUsableWhenE3CannotBeAskedAgain() throws Exception {
        String path = "/jwks-" + UUID.randomUUID();
        jwks.script(path, jwksAnswer(e3Key), new Answer(503, "application/problem+json", "{\"status\":503}", 0));
        MutableClock clock = new MutableClock();
        DeviceAssertionVerifier cached = new DeviceAssertionVerifier(jwks.url() + path, "monitoring",
                Duration.ofSeconds(5), clock);
        cached.verify(sign(e3Key, claims("monitoring", clock.now, clock.now.plusSeconds(30), "GET", "/x").build()),
                "GET", "/x", null);
        // Past the cache's lifetime, E3 answers 503: the keys fetched before still verify.
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(cached.verify(sign(e3Key, claims("monitoring", clock.now, clock.now.plusSeconds(30), "GET", "/x")
                .build()), "GET", "/x", null).deviceId()).isEqualTo(DEVICE);
        assertThat(jwks.calls(path)).isEqualTo(2);
    }
}
