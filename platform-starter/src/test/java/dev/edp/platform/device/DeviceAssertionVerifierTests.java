package dev.edp.platform.device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.edp.test.device.TestE3;
import dev.edp.test.device.TestE3.Device;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.time.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The services' side of E3's device credential and request proof, against E3's keys
 * served over real HTTP by a stand-in whose proof code is written independently of the
 * starter's.
 */
class DeviceAssertionVerifierTests {

    static final String HEARTBEAT = "/monitoring/api/v1/heartbeat";
    static final String DESIRED_STATE = "/devices/api/v1/device/desired-state";
    static final UUID DEVICE = UUID.randomUUID();
    static final UUID CUSTOMER = UUID.randomUUID();
    static final Device THE_DEVICE = Device.of(DEVICE, CUSTOMER);

    static TestE3 e3;
    static StubBackend jwks;
    static DeviceAssertionVerifier verifier;

    @BeforeAll
    static void start() {
        e3 = TestE3.start();
        jwks = StubBackend.start();
        verifier = verifier(e3.jwksUri(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        e3.close();
        jwks.close();
    }

    static DeviceAssertionVerifier verifier(String jwksUri, Clock clock) {
        return new DeviceAssertionVerifier(jwksUri, e3.proofKeysUri(), "monitoring", TestJwtIssuer::serviceToken,
                Duration.ofSeconds(5), Duration.ofSeconds(30), 1000, clock);
    }

    static String proof(String credential, String method, String path, String query) {
        return e3.proof(credential, "monitoring", method, path, query, "127.0.0.1");
    }

    static DevicePrincipal verify(DeviceAssertionVerifier verifier, String credential, String method, String path,
            String query) {
        return verifier.verify(credential, proof(credential, method, path, query), method, path, query);
    }

    static Answer jwksAnswer(ECKey... keys) {
        return new Answer(200, "application/json",
                new JWKSet(Arrays.stream(keys).map(key -> (JWK) key.toPublicJWK()).toList()).toString(), 0);
    }

    static String sign(ECKey key, JWTClaimsSet claims, String type) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(new JOSEObjectType(type)).build(),
                claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static String credential(ECKey key, Instant issued) throws Exception {
        return sign(key,
                TestE3.credentialClaims(THE_DEVICE, "monitoring", issued, issued.plus(Duration.ofMinutes(5))).build(),
                TestE3.CREDENTIAL_TYPE);
    }

    @Test
    void validCredentialAndProofGiveTheDevice() {
        Instant notAfter = Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String credential = e3.credential(new Device(DEVICE, CUSTOMER, "0a1b", notAfter), "monitoring");
        DeviceAssertionVerifier.VerifiedDevice verified = verifier.verifyWithAddress(credential,
                e3.proof(credential, "monitoring", "POST", HEARTBEAT, null, "2001:db8::7"), "POST", HEARTBEAT, null);
        assertThat(verified.device()).isEqualTo(new DevicePrincipal(DEVICE, CUSTOMER, "0a1b", notAfter));
        assertThat(verified.clientAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void credentialSignatureIsCheckedOnceThenCachedWhileEveryProofIsChecked() {
        DeviceAssertionVerifier fresh = verifier(e3.jwksUri(), Clock.systemUTC());
        String credential = e3.credential(THE_DEVICE, "monitoring");
        for (int i = 0; i < 50; i++) {
            assertThat(verify(fresh, credential, "POST", HEARTBEAT, null).deviceId()).isEqualTo(DEVICE);
        }
        assertThat(fresh.signatureChecks()).isEqualTo(1);
        // Cached or not, a proof for another request is refused.
        assertThatThrownBy(() -> fresh.verify(credential, proof(credential, "POST", HEARTBEAT, null), "POST",
                "/monitoring/api/v1/other", null))
            .isInstanceOf(DeviceAssertionException.class);
    }

    @Test
    void missingCredentialOrProofIsRefused() {
        String credential = e3.credential(THE_DEVICE, "monitoring");
        String proof = proof(credential, "GET", "/x", null);
        assertThatThrownBy(() -> verifier.verify(null, proof, "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class);
        assertThatThrownBy(() -> verifier.verify("", proof, "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class);
        assertThatThrownBy(() -> verifier.verify(credential, null, "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class);
        assertThatThrownBy(() -> verifier.verify(credential, "kid=x;t=1;cip=127.0.0.1", "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class);
        assertThatThrownBy(() -> verifier.verify(credential, proof + ";kid=other", "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class);
    }

    @Test
    void forgedCredentialIsRefusedEvenWithAValidProof() {
        // A proof over the forged credential's jti with the real request key: only the
        // signature is wrong.
        String forged = e3.forgedCredential(THE_DEVICE, "monitoring");
        assertThatThrownBy(() -> verify(verifier, forged, "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class)
            .hasMessageContaining("does not verify");
        assertThatThrownBy(() -> verify(verifier, "not-a-jwt", "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class);
    }

    @Test
    void expiredCredentialIsRefused() {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        String expired = e3.credential(THE_DEVICE, "monitoring", past, past.plus(Duration.ofMinutes(5)));
        assertThatThrownBy(() -> verify(verifier, expired, "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class)
            .hasMessageContaining("expired");
    }

    @Test
    void cachedCredentialIsRefusedOnceItExpires() {
        TestClock clock = TestClock.startingNow();
        DeviceAssertionVerifier moving = verifier(e3.jwksUri(), clock);
        String credential = e3.credential(THE_DEVICE, "monitoring", clock.instant(),
                clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(moving
            .verify(credential, e3.proof(credential, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant()),
                    "GET", "/x", null)
            .deviceId()).isEqualTo(DEVICE);
        clock.set(clock.instant().plus(Duration.ofMinutes(5)).plusSeconds(6));
        assertThatThrownBy(() -> moving.verify(credential,
                e3.proof(credential, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant()), "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class)
            .hasMessageContaining("expired");
    }

    @Test
    void credentialForAnotherServiceIsRefused() {
        String forDeviceManagement = e3.credential(THE_DEVICE, "device-management");
        // Even with a proof made with this service's key over it.
        assertThatThrownBy(() -> verify(verifier, forDeviceManagement, "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class)
            .hasMessageContaining("another service");
    }

    @Test
    void credentialsE3WouldNeverIssueAreRefused() {
        Instant now = Instant.now();
        // Another type (the per-request assertion E3 used to sign, a Keycloak token
        // shape).
        String otherType = e3
            .signed(TestE3.credentialClaims(THE_DEVICE, "monitoring", now, now.plusSeconds(30)).build(), "JWT");
        // Longer than ten minutes.
        String longLived = e3.credential(THE_DEVICE, "monitoring", now, now.plus(Duration.ofHours(1)));
        // Another issuer.
        String otherIssuer = e3.signed(
                TestE3.credentialClaims(THE_DEVICE, "monitoring", now, now.plusSeconds(30)).issuer("keycloak").build(),
                TestE3.CREDENTIAL_TYPE);
        // No device.
        String noDevice = e3.signed(
                TestE3.credentialClaims(THE_DEVICE, "monitoring", now, now.plusSeconds(30)).subject(null).build(),
                TestE3.CREDENTIAL_TYPE);
        for (String credential : new String[] { otherType, longLived, otherIssuer, noDevice }) {
            assertThatThrownBy(() -> verify(verifier, credential, "GET", "/x", null))
                .isInstanceOf(DeviceAssertionException.class);
        }
    }

    @Test
    void capturedCredentialIsUselessWithoutTheRequestKey() {
        String captured = e3.credential(THE_DEVICE, "monitoring");
        assertThat(verify(verifier, captured, "POST", HEARTBEAT, null).deviceId()).isEqualTo(DEVICE);
        // Whoever saw it on the hop has no request key: their best guess is refused.
        assertThatThrownBy(() -> verifier.verify(captured,
                e3.forgedProof(captured, "monitoring", "POST", HEARTBEAT, null, "127.0.0.1"), "POST", HEARTBEAT, null))
            .isInstanceOf(DeviceAssertionException.class)
            .hasMessageContaining("does not match");
    }

    @Test
    void proofReplayedOnAnotherRequestIsRefused() {
        String credential = e3.credential(THE_DEVICE, "monitoring");
        String proof = e3.proof(credential, "monitoring", "GET", DESIRED_STATE, "wait=30", "127.0.0.1");
        assertThat(verifier.verify(credential, proof, "GET", DESIRED_STATE, "wait=30").deviceId()).isEqualTo(DEVICE);
        // Another method, path, query.
        assertThatThrownBy(() -> verifier.verify(credential, proof, "POST", DESIRED_STATE, "wait=30"))
            .isInstanceOf(DeviceAssertionException.class);
        assertThatThrownBy(() -> verifier.verify(credential, proof, "GET", DESIRED_STATE + "x", "wait=30"))
            .isInstanceOf(DeviceAssertionException.class);
        for (String other : new String[] { "wait=31", "wait=30&x=1", "", null, "WAIT=30", "wait%3D30" }) {
            assertThatThrownBy(() -> verifier.verify(credential, proof, "GET", DESIRED_STATE, other))
                .as(String.valueOf(other))
                .isInstanceOf(DeviceAssertionException.class);
        }
        // Another device's credential under the same proof.
        String otherDevice = e3.credential(Device.of(UUID.randomUUID(), CUSTOMER), "monitoring");
        assertThatThrownBy(() -> verifier.verify(otherDevice, proof, "GET", DESIRED_STATE, "wait=30"))
            .isInstanceOf(DeviceAssertionException.class);
        // Another client address than the one E3 saw.
        assertThatThrownBy(() -> verifier.verify(credential, proof.replace("cip=127.0.0.1", "cip=127.0.0.2"), "GET",
                DESIRED_STATE, "wait=30"))
            .isInstanceOf(DeviceAssertionException.class);
        // A proof for another service (made with that service's key) at this one.
        String forOtherService = e3.proof(credential, "device-management", "GET", DESIRED_STATE, "wait=30",
                "127.0.0.1");
        assertThatThrownBy(() -> verifier.verify(credential, forOtherService, "GET", DESIRED_STATE, "wait=30"))
            .isInstanceOf(DeviceAssertionException.class);
        // Without a query the proof binds "no query": it cannot be replayed with one
        // either.
        String noQuery = e3.proof(credential, "monitoring", "GET", DESIRED_STATE, null, "127.0.0.1");
        assertThat(verifier.verify(credential, noQuery, "GET", DESIRED_STATE, "").deviceId()).isEqualTo(DEVICE);
        assertThatThrownBy(() -> verifier.verify(credential, noQuery, "GET", DESIRED_STATE, "wait=30"))
            .isInstanceOf(DeviceAssertionException.class);
    }

    @Test
    void proofOutsideTheTimeWindowIsRefused() {
        TestClock clock = TestClock.startingNow();
        DeviceAssertionVerifier moving = verifier(e3.jwksUri(), clock);
        String credential = e3.credential(THE_DEVICE, "monitoring", clock.instant(),
                clock.instant().plus(Duration.ofMinutes(5)));
        for (long offset : new long[] { -30_000, 0, 30_000 }) {
            String proof = e3.proof(credential, "monitoring", "GET", "/x", null, "127.0.0.1",
                    clock.instant().plusMillis(offset));
            assertThat(moving.verify(credential, proof, "GET", "/x", null).deviceId()).as("%d ms", offset)
                .isEqualTo(DEVICE);
        }
        for (long offset : new long[] { -30_001, 30_001, -3_600_000 }) {
            String proof = e3.proof(credential, "monitoring", "GET", "/x", null, "127.0.0.1",
                    clock.instant().plusMillis(offset));
            assertThatThrownBy(() -> moving.verify(credential, proof, "GET", "/x", null)).as("%d ms", offset)
                .isInstanceOf(DeviceAssertionException.class)
                .hasMessageContaining("time window");
        }
    }

    @Test
    void anonymousProofGivesTheAddressButNoDevice() {
        String path = "/onboarding/api/v1/enrollments";
        String proof = e3.proof(null, "monitoring", "POST", path, null, "2001:db8::1");
        assertThat(verifier.verifiedClientAddress(null, proof, "POST", path, null)).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThatThrownBy(() -> verifier.verify(null, proof, "POST", path, null))
            .isInstanceOf(DeviceAssertionException.class);
        assertThatThrownBy(() -> verifier.verifiedClientAddress(null, proof, "POST", "/onboarding/other", null))
            .isInstanceOf(DeviceAssertionException.class);
        // An anonymous proof does not carry a credential someone adds.
        String credential = e3.credential(THE_DEVICE, "monitoring");
        assertThatThrownBy(() -> verifier.verify(credential, proof, "POST", path, null))
            .isInstanceOf(DeviceAssertionException.class);
        String notAnAddress = e3.proof(null, "monitoring", "POST", path, null, "evil.example.org");
        assertThatThrownBy(() -> verifier.verifiedClientAddress(null, notAnAddress, "POST", path, null))
            .isInstanceOf(DeviceAssertionException.class);
    }

    @Test
    void requestKeysAreFetchedWithTheServiceTokenOnly() {
        DeviceAssertionVerifier withUserToken = new DeviceAssertionVerifier(e3.jwksUri(), e3.proofKeysUri(),
                "monitoring", () -> TestJwtIssuer.token("operator", CUSTOMER, "platform-admin"), Duration.ofSeconds(5),
                Duration.ofSeconds(30), 1000, Clock.systemUTC());
        int refused = e3.refusedProofKeyFetches();
        String credential = e3.credential(THE_DEVICE, "monitoring");
        assertThatThrownBy(() -> verify(withUserToken, credential, "GET", "/x", null))
            .isInstanceOf(DeviceAssertionException.class)
            .hasMessageContaining("unknown device proof key");
        assertThat(e3.refusedProofKeyFetches()).isEqualTo(refused + 1);
    }

    @Test
    void unknownProofKeyIdsCauseAtMostOneFetchPerInterval() {
        TestE3 own = TestE3.start();
        try {
            TestClock clock = TestClock.startingNow();
            DeviceAssertionVerifier burst = new DeviceAssertionVerifier(own.jwksUri(), own.proofKeysUri(), "monitoring",
                    TestJwtIssuer::serviceToken, Duration.ofSeconds(5), Duration.ofSeconds(30), 1000, clock);
            String credential = own.credential(THE_DEVICE, "monitoring", clock.instant(),
                    clock.instant().plusSeconds(300));
            burst.verify(credential,
                    own.proof(credential, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant()), "GET", "/x",
                    null);
            assertThat(own.proofKeyFetches()).isEqualTo(1);
            for (int i = 0; i < 50; i++) {
                String made = own.proofWithUnknownKid(credential, "monitoring", "GET", "/x", null, "127.0.0.1",
                        "made-up-" + i);
                assertThatThrownBy(() -> burst.verify(credential, made, "GET", "/x", null))
                    .isInstanceOf(DeviceAssertionException.class);
                clock.set(clock.instant().plusMillis(50));
            }
            // 50 unknown key ids within 2.5 s of the last fetch: not one more fetch.
            assertThat(own.proofKeyFetches()).isEqualTo(1);
            clock.set(clock.instant().plusSeconds(3));
            String late = own.proofWithUnknownKid(credential, "monitoring", "GET", "/x", null, "127.0.0.1", "late");
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> burst.verify(credential, late, "GET", "/x", null))
                    .isInstanceOf(DeviceAssertionException.class);
            }
            assertThat(own.proofKeyFetches()).isEqualTo(2);
        }
        finally {
            own.close();
        }
    }

    @Test
    void credentialKeyPublishedAfterTheJwksWasCachedIsFetchedAtOnce() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("first").generate();
        ECKey next = new ECKeyGenerator(Curve.P_256).keyID("next").generate();
        String path = "/jwks-" + UUID.randomUUID();
        jwks.script(path, jwksAnswer(first));
        TestClock clock = TestClock.startingNow();
        DeviceAssertionVerifier cached = verifier(jwks.url() + path, clock);
        String byFirst = credential(first, clock.instant());
        assertThat(cached
            .verify(byFirst, e3.proof(byFirst, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant()), "GET",
                    "/x", null)
            .deviceId()).isEqualTo(DEVICE);
        assertThat(jwks.calls(path)).isEqualTo(1);

        // E3 publishes a new key (a restart, a rotation); the service's copy does not
        // know it yet.
        jwks.script(path, jwksAnswer(first, next));
        clock.set(clock.instant().plusSeconds(6));
        String byNext = credential(next, clock.instant());
        assertThat(cached
            .verify(byNext, e3.proof(byNext, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant()), "GET",
                    "/x", null)
            .deviceId()).isEqualTo(DEVICE);
        assertThat(jwks.calls(path)).isEqualTo(2);
        String againByFirst = credential(first, clock.instant());
        assertThat(cached
            .verify(againByFirst, e3.proof(againByFirst, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant()),
                    "GET", "/x", null)
            .deviceId()).isEqualTo(DEVICE);
        assertThat(jwks.calls(path)).isEqualTo(2);
    }

    @Test
    void unknownCredentialKeyIdsCauseAtMostOneJwksFetchPerInterval() throws Exception {
        String path = "/jwks-" + UUID.randomUUID();
        ECKey known = new ECKeyGenerator(Curve.P_256).keyID("known").generate();
        jwks.script(path, jwksAnswer(known));
        TestClock clock = TestClock.startingNow();
        DeviceAssertionVerifier burst = verifier(jwks.url() + path, clock);
        String good = credential(known, clock.instant());
        burst.verify(good, e3.proof(good, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant()), "GET", "/x",
                null);
        assertThat(jwks.calls(path)).isEqualTo(1);
        for (int i = 0; i < 50; i++) {
            // The request key of a platform service holder, a credential signed by
            // anyone: refused, and the made-up key ids do not turn into calls to E3.
            String made = credential(new ECKeyGenerator(Curve.P_256).keyID("garbage-" + i).generate(), clock.instant());
            String proof = e3.proof(made, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant());
            assertThatThrownBy(() -> burst.verify(made, proof, "GET", "/x", null))
                .isInstanceOf(DeviceAssertionException.class);
            clock.set(clock.instant().plusMillis(50));
        }
        assertThat(jwks.calls(path)).isEqualTo(1);
    }

    @Test
    void knownKeysStayUsableWhenE3CannotBeAskedAgain() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        String path = "/jwks-" + UUID.randomUUID();
        jwks.script(path, jwksAnswer(key), new Answer(503, "application/problem+json", "{\"status\":503}", 0));
        TestClock clock = TestClock.startingNow();
        DeviceAssertionVerifier cached = verifier(jwks.url() + path, clock);
        String credential = credential(key, clock.instant());
        cached.verify(credential, e3.proof(credential, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant()),
                "GET", "/x", null);
        // Past the key cache's lifetime, E3 answers 503: the keys fetched before still
        // verify.
        clock.set(clock.instant().plus(Duration.ofMinutes(6)));
        String later = credential(key, clock.instant());
        assertThat(cached
            .verify(later, e3.proof(later, "monitoring", "GET", "/x", null, "127.0.0.1", clock.instant()), "GET", "/x",
                    null)
            .deviceId()).isEqualTo(DEVICE);
        assertThat(jwks.calls(path)).isEqualTo(2);
    }

}
