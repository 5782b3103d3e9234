package dev.edp.e3;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.edp.e3.assertion.AssertionKeyFile;
import dev.edp.e3.assertion.DeviceAssertionKeys;
import dev.edp.e3.assertion.DeviceAssertionKeys.Credential;
import dev.edp.e3.device.AuthenticatedDevice;
import dev.edp.e3.device.RateLimiter;
import dev.edp.platform.device.DeviceAssertionException;
import dev.edp.platform.device.DeviceAssertionVerifier;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.time.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Device credentials and request proofs as E3 makes them (claims, reuse, key rotation,
 * keys shared by replicas through a key file), checked by the starter's verifier over
 * HTTP, and the token bucket.
 */
class DeviceAssertionKeysTests {

    /**
     * A clock the test moves, from a fixed start (before {@link #DEVICE}'s certificate
     * expires).
     */
    static TestClock newYear() {
        return TestClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    }

    static final AuthenticatedDevice DEVICE = new AuthenticatedDevice(UUID.randomUUID(), UUID.randomUUID(),
            BigInteger.valueOf(0xabcdef), Instant.parse("2026-03-01T12:00:00Z"));

    static String kid(Credential credential) throws Exception {
        return SignedJWT.parse(credential.token()).getHeader().getKeyID();
    }

    static String proofKid(String proof) {
        return proof.substring(4, proof.indexOf(';'));
    }

    static boolean verifies(Credential credential, Map<String, Object> jwks) throws Exception {
        SignedJWT jwt = SignedJWT.parse(credential.token());
        JWK key = JWKSet.parse(jwks).getKeyByKeyId(jwt.getHeader().getKeyID());
        return key != null && jwt.verify(new ECDSAVerifier(key.toECKey()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void rotationPublishesTheNewKeyBeforeItIsUsedAndKeepsTheOldOneDuringTheOverlap() throws Exception {
        TestClock clock = newYear();
        DeviceAssertionKeys keys = keys(clock);
        String oldKid = kid(keys.credential(DEVICE, "monitoring"));
        keys.rotate();
        assertThat((List<Map<String, Object>>) keys.jwks().get("keys")).hasSize(2);
        assertThat((List<?>) keys.proofKeys("monitoring").get("keys")).hasSize(2);
        assertThat(proofKid(keys.proof(null, "monitoring", "GET", "/x", null, "192.0.2.1"))).isEqualTo(oldKid);
        clock.set(clock.instant().plus(Duration.ofMinutes(5)));
        String newKid = kid(keys.credential(DEVICE, "monitoring"));
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(proofKid(keys.proof(null, "monitoring", "GET", "/x", null, "192.0.2.1"))).isEqualTo(newKid);
        assertThat((List<Map<String, Object>>) keys.jwks().get("keys")).hasSize(2);
        // Retention: a credential signed just before the switch lives its 5 minutes, plus
        // a margin.
        clock.set(clock.instant().plus(Duration.ofMinutes(6)).plusSeconds(1));
        assertThat((List<Map<String, Object>>) keys.jwks().get("keys")).singleElement()
            .satisfies(key -> assertThat(key.get("kid")).isEqualTo(newKid));
        assertThat((List<Map<String, Object>>) keys.proofKeys("monitoring").get("keys")).singleElement()
            .satisfies(key -> assertThat(key.get("kid")).isEqualTo(newKid));
    }

    @Test
    void credentialCarriesTheDeviceAndTheCertificatesNotAfterAndNoRequest() throws Exception {
        DeviceAssertionKeys keys = new DeviceAssertionKeys(newYear(), Duration.ofMinutes(5), Duration.ofMinutes(5));
        SignedJWT jwt = SignedJWT.parse(keys.credential(DEVICE, "monitoring").token());
        var claims = jwt.getJWTClaimsSet();
        assertThat(jwt.getHeader().getType().getType()).isEqualTo(DeviceAssertionVerifier.CREDENTIAL_TYPE);
        assertThat(claims.getIssuer()).isEqualTo("edp-e3");
        assertThat(claims.getAudience()).containsExactly("monitoring");
        assertThat(claims.getSubject()).isEqualTo(DEVICE.deviceId().toString());
        assertThat(claims.getStringClaim("customer_id")).isEqualTo(DEVICE.customerId().toString());
        assertThat(claims.getLongClaim("cert_exp")).isEqualTo(Instant.parse("2026-03-01T12:00:00Z").getEpochSecond());
        assertThat(claims.getStringClaim("serial")).isEqualTo("abcdef");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
            .isEqualTo(Duration.ofMinutes(5));
        // Nothing of one request in it: that is the proof's.
        assertThat(claims.getClaims()).doesNotContainKeys("htm", "htp", "htq", "cip");
    }

    @Test
    void credentialIsSignedOncePerDeviceAndServiceAndRenewedBeforeItExpires() throws Exception {
        TestClock clock = newYear();
        DeviceAssertionKeys keys = keys(clock);
        Credential first = keys.credential(DEVICE, "monitoring");
        for (int i = 0; i < 100; i++) {
            assertThat(keys.credential(DEVICE, "monitoring")).isEqualTo(first);
        }
        assertThat(keys.signatures()).isEqualTo(1);
        // Per service and per certificate (a renewed certificate has another serial and
        // notAfter).
        assertThat(keys.credential(DEVICE, "device-management")).isNotEqualTo(first);
        AuthenticatedDevice renewed = new AuthenticatedDevice(DEVICE.deviceId(), DEVICE.customerId(),
                BigInteger.valueOf(0x1234), Instant.parse("2026-04-01T12:00:00Z"));
        assertThat(keys.credential(renewed, "monitoring")).isNotEqualTo(first);
        assertThat(keys.signatures()).isEqualTo(3);
        // Still the same a little before the renewal point (one minute before expiry) ...
        clock.set(clock.instant().plus(Duration.ofMinutes(3)).plusSeconds(59));
        assertThat(keys.credential(DEVICE, "monitoring")).isEqualTo(first);
        // ... a fresh one from there on, while the old one is still valid for a minute.
        clock.set(clock.instant().plusSeconds(1));
        Credential next = keys.credential(DEVICE, "monitoring");
        assertThat(next.jti()).isNotEqualTo(first.jti());
        assertThat(SignedJWT.parse(next.token()).getJWTClaimsSet().getIssueTime().toInstant())
            .isEqualTo(clock.instant());
    }

    @Test
    void credentialNeverOutlivesTheCertificate() throws Exception {
        TestClock clock = newYear();
        DeviceAssertionKeys keys = keys(clock);
        Instant notAfter = clock.instant().plus(Duration.ofMinutes(2));
        AuthenticatedDevice expiring = new AuthenticatedDevice(UUID.randomUUID(), UUID.randomUUID(), BigInteger.TWO,
                notAfter);
        assertThat(SignedJWT.parse(keys.credential(expiring, "monitoring").token())
            .getJWTClaimsSet()
            .getExpirationTime()
            .toInstant()).isEqualTo(notAfter);
    }

    @Test
    void proofBindsTheRequestAndWithoutADeviceNamesNoCredential() {
        TestClock clock = newYear();
        DeviceAssertionKeys keys = keys(clock);
        Credential credential = keys.credential(DEVICE, "device-management");
        String proof = keys.proof(credential, "device-management", "GET", "/d", "wait=30", "192.0.2.1");
        assertThat(proof).startsWith("kid=").contains(";t=" + clock.instant().toEpochMilli() + ";cip=192.0.2.1;mac=");
        assertThat(keys.proof(credential, "device-management", "GET", "/d", "wait=31", "192.0.2.1"))
            .isNotEqualTo(proof);
        assertThat(keys.proof(credential, "monitoring", "GET", "/d", "wait=30", "192.0.2.1")).isNotEqualTo(proof);
        assertThat(keys.proof(null, "device-management", "GET", "/d", "wait=30", "192.0.2.1")).isNotEqualTo(proof);
        assertThat(keys.proof(credential, "device-management", "GET", "/d", "wait=30", "192.0.2.1")).isEqualTo(proof);
    }

    /**
     * E3's management endpoints as services reach them: JWKS and request keys of
     * whichever key set is current.
     */
    static final class KeysServer implements AutoCloseable {

        final AtomicReference<DeviceAssertionKeys> keys = new AtomicReference<>();

        final HttpServer server;

        KeysServer(DeviceAssertionKeys initial) throws IOException {
            keys.set(initial);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/actuator/device-jwks", exchange -> answer(exchange, keys.get().jwks()));
            server.createContext("/actuator/device-proof-keys", exchange -> answer(exchange,
                    keys.get().proofKeys(exchange.getRequestURI().getQuery().substring("audience=".length()))));
            server.start();
        }

        private static void answer(com.sun.net.httpserver.HttpExchange exchange, Map<String, Object> json)
                throws IOException {
            byte[] body = JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        DeviceAssertionVerifier verifier(String audience, Clock clock) {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/actuator/";
            return new DeviceAssertionVerifier(base + "device-jwks", base + "device-proof-keys", audience,
                    TestJwtIssuer::serviceToken, Duration.ofSeconds(5), Duration.ofSeconds(30), 1000, clock);
        }

        @Override
        public void close() {
            server.stop(0);
        }

    }

    /**
     * Five-minute credentials; a new key is published five minutes before it signs.
     */
    static DeviceAssertionKeys keys(TestClock clock) {
        return new DeviceAssertionKeys(clock, Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    /**
     * A replica's keys over the shared key file: as {@link #keys}, rotated daily.
     */
    static DeviceAssertionKeys replica(Path file, TestClock clock) {
        return DeviceAssertionKeys.shared(new AssertionKeyFile(file), clock, Duration.ofMinutes(5),
                Duration.ofMinutes(5), Duration.ofHours(24));
    }

    static UUID verify(DeviceAssertionVerifier service, DeviceAssertionKeys keys, String audience) {
        return verify(service, keys, keys.credential(DEVICE, audience), audience);
    }

    static UUID verify(DeviceAssertionVerifier service, DeviceAssertionKeys keys, Credential credential,
            String audience) {
        return service
            .verify(credential.token(), keys.proof(credential, audience, "GET", "/x", null, "192.0.2.1"), "GET", "/x",
                    null)
            .deviceId();
    }

    @Test
    void servicesVerifyWhatE3MakesAndOnlyForThemselves() throws Exception {
        TestClock clock = newYear();
        DeviceAssertionKeys keys = keys(clock);
        try (KeysServer e3 = new KeysServer(keys)) {
            DeviceAssertionVerifier monitoring = e3.verifier("monitoring", clock);
            assertThat(verify(monitoring, keys, "monitoring")).isEqualTo(DEVICE.deviceId());
            String anonymous = keys.proof(null, "monitoring", "POST", "/y", "a=b", "2001:db8::1");
            assertThat(monitoring.verifiedClientAddress(null, anonymous, "POST", "/y", "a=b"))
                .isEqualTo("2001:db8:0:0:0:0:0:1");
            // What E3 made for device-management is no use at monitoring.
            Credential forOther = keys.credential(DEVICE, "device-management");
            String otherProof = keys.proof(forOther, "device-management", "GET", "/x", null, "192.0.2.1");
            assertThatThrownBy(() -> monitoring.verify(forOther.token(), otherProof, "GET", "/x", null))
                .isInstanceOf(DeviceAssertionException.class);
            // Nor is a proof of another credential of the same device.
            Credential own = keys.credential(DEVICE, "monitoring");
            assertThatThrownBy(() -> monitoring.verify(own.token(),
                    keys.proof(forOther, "monitoring", "GET", "/x", null, "192.0.2.1"), "GET", "/x", null))
                .isInstanceOf(DeviceAssertionException.class);
        }
    }

    @Test
    void keyRotatedAfterAServiceCachedTheKeysIsAcceptedWhenItIsUsed() throws Exception {
        TestClock clock = newYear();
        DeviceAssertionKeys keys = new DeviceAssertionKeys(clock, Duration.ofMinutes(5), Duration.ofSeconds(30));
        try (KeysServer e3 = new KeysServer(keys)) {
            DeviceAssertionVerifier service = e3.verifier("monitoring", clock);
            String oldKid = kid(keys.credential(DEVICE, "monitoring"));
            assertThat(verify(service, keys, "monitoring")).isEqualTo(DEVICE.deviceId());

            assertThat(keys.rotateNow()).isTrue();
            // Published, not used yet: the service's cached copies are still enough.
            assertThat(proofKid(keys.proof(null, "monitoring", "GET", "/x", null, "192.0.2.1"))).isEqualTo(oldKid);
            clock.set(clock.instant().plusSeconds(30));
            assertThat(proofKid(keys.proof(null, "monitoring", "GET", "/x", null, "192.0.2.1"))).isNotEqualTo(oldKid);
            // The cached credential (old key) and a proof with the new epoch's request
            // key verify together.
            assertThat(verify(service, keys, "monitoring")).isEqualTo(DEVICE.deviceId());
            // And a new device's credential, signed with the new key.
            AuthenticatedDevice other = new AuthenticatedDevice(UUID.randomUUID(), UUID.randomUUID(), BigInteger.ONE,
                    Instant.parse("2026-03-01T12:00:00Z"));
            Credential fresh = keys.credential(other, "monitoring");
            assertThat(kid(fresh)).isNotEqualTo(oldKid);
            assertThat(verify(service, keys, fresh, "monitoring")).isEqualTo(other.deviceId());
        }
    }

    @Test
    void freshKeysOfARestartedE3AreAcceptedByAServiceThatCachedThePreviousOnes() throws Exception {
        TestClock clock = newYear();
        DeviceAssertionKeys before = keys(clock);
        try (KeysServer e3 = new KeysServer(before)) {
            DeviceAssertionVerifier service = e3.verifier("monitoring", clock);
            verify(service, before, "monitoring");

            clock.set(clock.instant().plusSeconds(10));
            // The restarted process uses its fresh keys at once, and publishes them from
            // the start.
            DeviceAssertionKeys restarted = keys(clock);
            e3.keys.set(restarted);
            assertThat(verifies(restarted.credential(DEVICE, "monitoring"), restarted.jwks())).isTrue();
            assertThat(verify(service, restarted, "monitoring")).isEqualTo(DEVICE.deviceId());
        }
    }

    @Test
    void twoReplicasStartingTogetherOverOneKeyFileUseTheSameKeysAndPublishTheSame(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys/e3-assertion-keys.json");
        TestClock clock = newYear();
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<DeviceAssertionKeys> replica = () -> {
            together.await();
            return replica(file, clock);
        };
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<DeviceAssertionKeys> first = pool.submit(replica);
            Future<DeviceAssertionKeys> second = pool.submit(replica);
            DeviceAssertionKeys a = first.get();
            DeviceAssertionKeys b = second.get();
            assertThat(a.jwks()).isEqualTo(b.jwks());
            assertThat(a.proofKeys("monitoring")).isEqualTo(b.proofKeys("monitoring"));
            assertThat((List<?>) a.jwks().get("keys")).hasSize(1);
            assertThat(verifies(a.credential(DEVICE, "monitoring"), b.jwks())).isTrue();
            assertThat(verifies(b.credential(DEVICE, "monitoring"), a.jwks())).isTrue();
            // The same request proved by either replica is the same proof.
            assertThat(a.proof(null, "onboarding", "POST", "/e", null, "192.0.2.1"))
                .isEqualTo(b.proof(null, "onboarding", "POST", "/e", null, "192.0.2.1"));
        }
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        List<JWK> stored = JWKSet.parse(Files.readString(file)).getKeys();
        assertThat(stored).hasSize(2)
            .anyMatch(key -> key instanceof ECKey ec && ec.isPrivate())
            .anyMatch(key -> key instanceof OctetSequenceKey);
        assertThat(stored.get(0).getKeyID()).isEqualTo(stored.get(1).getKeyID());
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void keyFileWithoutMasterSecretsGetsThemOnceForEveryReplica(@TempDir Path dir) throws Exception {
        // A file as an older E3 wrote it, or with a key an operator added by hand: EC
        // keys only.
        Path file = dir.resolve("e3-assertion-keys.json");
        ECKey old = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("by-hand")
            .notBeforeTime(java.util.Date.from(Instant.parse("2025-12-31T00:00:00Z")))
            .generate();
        Files.writeString(file, new JWKSet(old).toString(false));
        TestClock clock = newYear();
        DeviceAssertionKeys a = replica(file, clock);
        DeviceAssertionKeys b = replica(file, clock);
        assertThat(JWKSet.parse(Files.readString(file)).getKeys()).hasSize(2)
            .anyMatch(key -> key instanceof OctetSequenceKey && key.getKeyID().equals("by-hand"));
        assertThat(a.proofKeys("monitoring")).isEqualTo(b.proofKeys("monitoring"));
        assertThat(kid(a.credential(DEVICE, "monitoring"))).isEqualTo("by-hand");
    }

    @Test
    void rotationThroughTheKeyFileReachesEveryReplicaWithBothKeysPublishedDuringTheOverlap(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("e3-assertion-keys.json");
        TestClock clock = newYear();
        DeviceAssertionKeys a = replica(file, clock);
        DeviceAssertionKeys b = replica(file, clock);
        Credential beforeSwitch = b.credential(DEVICE, "monitoring");
        String oldKid = kid(beforeSwitch);

        assertThat(a.rotateNow()).isTrue();
        assertThat(a.rotateNow()).as("a second rotation while one is pending adds nothing").isFalse();
        b.reload();

        assertThat(a.jwks()).isEqualTo(b.jwks());
        assertThat(a.proofKeys("monitoring")).isEqualTo(b.proofKeys("monitoring"));
        assertThat((List<?>) b.jwks().get("keys")).hasSize(2);
        assertThat(proofKid(b.proof(null, "monitoring", "GET", "/x", null, "192.0.2.1"))).isEqualTo(oldKid);

        clock.set(clock.instant().plus(Duration.ofMinutes(5)));
        AuthenticatedDevice other = new AuthenticatedDevice(UUID.randomUUID(), UUID.randomUUID(), BigInteger.ONE,
                Instant.parse("2026-03-01T12:00:00Z"));
        Credential fromA = a.credential(other, "monitoring");
        Credential fromB = b.credential(other, "monitoring");
        assertThat(kid(fromA)).isEqualTo(kid(fromB)).isNotEqualTo(oldKid);
        assertThat(a.proof(null, "monitoring", "GET", "/x", null, "192.0.2.1"))
            .isEqualTo(b.proof(null, "monitoring", "GET", "/x", null, "192.0.2.1"));
        assertThat(verifies(fromA, b.jwks())).isTrue();
        assertThat(verifies(fromB, a.jwks())).isTrue();
        assertThat(verifies(beforeSwitch, a.jwks())).as("old key still published during the overlap").isTrue();

        clock.set(clock.instant().plus(Duration.ofMinutes(6)).plusSeconds(1));
        assertThat((List<?>) a.jwks().get("keys")).hasSize(1);
        assertThat(b.jwks()).isEqualTo(a.jwks());
    }

    @Test
    void scheduledRotationByTwoReplicasAddsOneKeyOnly(@TempDir Path dir) {
        Path file = dir.resolve("e3-assertion-keys.json");
        TestClock clock = newYear();
        DeviceAssertionKeys a = replica(file, clock);
        DeviceAssertionKeys b = replica(file, clock);
        a.rotate();
        assertThat((List<?>) a.jwks().get("keys")).as("newest key not due yet").hasSize(1);
        clock.set(clock.instant().plus(Duration.ofHours(24)));
        a.rotate();
        b.rotate();
        b.reload();
        assertThat((List<?>) a.jwks().get("keys")).hasSize(2);
        assertThat(b.jwks()).isEqualTo(a.jwks());
        assertThat(b.proofKeys("onboarding")).isEqualTo(a.proofKeys("onboarding"));
    }

    @Test
    void tokenBucketAllowsTheBurstThenTheRate() {
        RateLimiter limiter = new RateLimiter(3, 1);
        UUID device = UUID.randomUUID();
        long now = 0;
        assertThat(limiter.tryAcquire(device, now)).isZero();
        assertThat(limiter.tryAcquire(device, now)).isZero();
        assertThat(limiter.tryAcquire(device, now)).isZero();
        assertThat(limiter.tryAcquire(device, now)).isEqualTo(1);
        assertThat(limiter.tryAcquire(device, now + 1_000_000_000L)).isZero();
        assertThat(limiter.tryAcquire(UUID.randomUUID(), now)).isZero();
    }

}
