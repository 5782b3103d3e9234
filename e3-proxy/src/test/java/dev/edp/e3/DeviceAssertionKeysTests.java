package dev.edp.e3;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.edp.e3.assertion.AssertionKeyFile;
import dev.edp.e3.assertion.DeviceAssertionKeys;
import org.junit.jupiter.api.io.TempDir;
import dev.edp.e3.device.AuthenticatedDevice;
import dev.edp.e3.device.RateLimiter;
import dev.edp.platform.device.DeviceAssertionVerifier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The device assertion (claims, key rotation, keys shared by replicas through a key file), and the token bucket. */
class DeviceAssertionKeysTests {

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void rotationPublishesTheNewKeyBeforeItSignsAndKeepsTheOldOneDuringTheOverlap() throws Exception {
        MutableClock clock = new MutableClock();
        DeviceAssertionKeys keys = new DeviceAssertionKeys(clock, Duration.ofSeconds(30), Duration.ofMinutes(5));
        AuthenticatedDevice device = new AuthenticatedDevice(UUID.randomUUID(), UUID.randomUUID(), BigInteger.TEN, Instant.parse("2026-02-01T00:00:00Z"));
        String oldKid = SignedJWT.parse(keys.sign(device, "monitoring", "GET", "/x", null, "192.0.2.1")).getHeader().getKeyID();
        keys.rotate();
        assertThat((List<Map<String, Object>>) keys.jwks().get("keys")).hasSize(2);
        assertThat(SignedJWT.parse(keys.sign(device, "monitoring", "GET", "/x", null, "192.0.2.1")).getHeader().getKeyID()).isEqualTo(oldKid);
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        String newKid = SignedJWT.parse(keys.sign(device, "monitoring", "GET", "/x", null, "192.0.2.1")).getHeader().getKeyID();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat((List<Map<String, Object>>) keys.jwks().get("keys")).hasSize(2);
        clock.now = clock.now.plus(Duration.ofSeconds(91));
        assertThat((List<Map<String, Object>>) keys.jwks().get("keys")).singleElement()
                .satisfies(key -> assertThat(key.get("kid")).isEqualTo(newKid));
    }

    static final AuthenticatedDevice DEVICE = new AuthenticatedDevice(UUID.randomUUID(), UUID.randomUUID(),
            BigInteger.valueOf(0xabcdef), Instant.parse("2026-03-01T12:00:00Z"));

    static boolean verifies(String assertion, Map<String, Object> jwks) throws Exception {
        SignedJWT jwt = SignedJWT.parse(assertion);
        JWK key = JWKSet.parse(jwks).getKeyByKeyId(jwt.getHeader().getKeyID());
        return key != null && jwt.verify(new ECDSAVerifier(key.toECKey()));
    }

    @Test
    void assertionCarriesTheClientCertificatesNotAfterAsCertExp() throws Exception {
        DeviceAssertionKeys keys = new DeviceAssertionKeys(new MutableClock(), Duration.ofSeconds(30), Duration.ofMinutes(5));
        var claims = SignedJWT.parse(keys.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1")).getJWTClaimsSet();
        assertThat(claims.getLongClaim("cert_exp")).isEqualTo(Instant.parse("2026-03-01T12:00:00Z").getEpochSecond());
        assertThat(claims.getStringClaim("serial")).isEqualTo("abcdef");
        assertThat(claims.getStringClaim("cip")).isEqualTo("192.0.2.1");
    }

    @Test
    void assertionIsBoundToTheQueryAndWithoutADeviceCarriesNoSubject() throws Exception {
        DeviceAssertionKeys keys = new DeviceAssertionKeys(new MutableClock(), Duration.ofSeconds(30), Duration.ofMinutes(5));
        var withQuery = SignedJWT.parse(keys.sign(DEVICE, "device-management", "GET", "/d", "wait=30", "192.0.2.1"))
                .getJWTClaimsSet();
        assertThat(withQuery.getStringClaim("htq")).isEqualTo(DeviceAssertionVerifier.queryHash("wait=30"))
                .isNotEqualTo(DeviceAssertionVerifier.queryHash(null));
        var anonymous = SignedJWT.parse(keys.sign(null, "onboarding", "POST", "/onboarding/api/v1/enrollments", null,
                "2001:db8::1")).getJWTClaimsSet();
        assertThat(anonymous.getSubject()).isNull();
        assertThat(anonymous.getClaims()).doesNotContainKeys("customer_id", "serial", "cert_exp");
        assertThat(anonymous.getStringClaim("cip")).isEqualTo("2001:db8::1");
        assertThat(anonymous.getStringClaim("htq")).isEqualTo(DeviceAssertionVerifier.queryHash(null));
    }

    /** E3's management endpoint as services reach it: the JWKS of whichever key set is current, over HTTP. */
    static final class JwksServer implements AutoCloseable {

        final AtomicReference<DeviceAssertionKeys> keys = new AtomicReference<>();
        final HttpServer server;

        JwksServer(DeviceAssertionKeys initial) throws IOException {
            keys.set(initial);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/actuator/device-jwks", exchange -> {
                byte[] body = JSONObjectUtils.toJSONString(keys.get().jwks()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (var out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/actuator/device-jwks";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void keyRotatedAfterAServiceCachedTheJwksIsAcceptedWhenItStartsSigning() throws Exception {
        MutableClock clock = new MutableClock();
        DeviceAssertionKeys keys = new DeviceAssertionKeys(clock, Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (JwksServer e3 = new JwksServer(keys)) {
            DeviceAssertionVerifier service = new DeviceAssertionVerifier(e3.url(), "monitoring", Duration.ofSeconds(5),
                    clock);
            String oldKid = SignedJWT.parse(keys.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1")).getHeader()
                    .getKeyID();
            assertThat(service.verify(keys.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1"), "GET", "/x", null)
                    .deviceId()).isEqualTo(DEVICE.deviceId());

            assertThat(keys.rotateNow()).isTrue();
            // Published, not signing yet: the service's cached copy is still enough.
            assertThat(SignedJWT.parse(keys.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1")).getHeader()
                    .getKeyID()).isEqualTo(oldKid);
            clock.now = clock.now.plusSeconds(30);
            String signedWithNewKey = keys.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1");
            assertThat(SignedJWT.parse(signedWithNewKey).getHeader().getKeyID()).isNotEqualTo(oldKid);
            assertThat(service.verify(signedWithNewKey, "GET", "/x", null).deviceId()).isEqualTo(DEVICE.deviceId());
        }
    }

    @Test
    void freshKeyOfARestartedE3IsAcceptedByAServiceThatCachedThePreviousJwks() throws Exception {
        MutableClock clock = new MutableClock();
        DeviceAssertionKeys before = new DeviceAssertionKeys(clock, Duration.ofSeconds(30), Duration.ofMinutes(5));
        try (JwksServer e3 = new JwksServer(before)) {
            DeviceAssertionVerifier service = new DeviceAssertionVerifier(e3.url(), "monitoring", Duration.ofSeconds(5),
                    clock);
            service.verify(before.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1"), "GET", "/x", null);

            clock.now = clock.now.plusSeconds(10);
            // The restarted process signs with its fresh key at once, and publishes it from the start.
            DeviceAssertionKeys restarted = new DeviceAssertionKeys(clock, Duration.ofSeconds(30), Duration.ofMinutes(5));
            e3.keys.set(restarted);
            String assertion = restarted.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1");
            assertThat(verifies(assertion, restarted.jwks())).isTrue();
            assertThat(service.verify(assertion, "GET", "/x", null).deviceId()).isEqualTo(DEVICE.deviceId());
        }
    }

    @Test
    void twoReplicasStartingTogetherOverOneKeyFileSignWithTheSameKeyAndPublishTheSameJwks(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("keys/e3-assertion-keys.json");
        MutableClock clock = new MutableClock();
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<DeviceAssertionKeys> replica = () -> {
            together.await();
            return DeviceAssertionKeys.shared(new AssertionKeyFile(file), clock, Duration.ofSeconds(30),
                    Duration.ofMinutes(5), Duration.ofHours(24));
        };
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<DeviceAssertionKeys> first = pool.submit(replica);
            Future<DeviceAssertionKeys> second = pool.submit(replica);
            DeviceAssertionKeys a = first.get();
            DeviceAssertionKeys b = second.get();
            assertThat(a.jwks()).isEqualTo(b.jwks());
            assertThat((List<?>) a.jwks().get("keys")).hasSize(1);
            assertThat(verifies(a.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1"), b.jwks())).isTrue();
            assertThat(verifies(b.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1"), a.jwks())).isTrue();
        }
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).contains("\"d\"");
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void rotationThroughTheKeyFileReachesEveryReplicaWithBothKeysPublishedDuringTheOverlap(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("e3-assertion-keys.json");
        MutableClock clock = new MutableClock();
        DeviceAssertionKeys a = DeviceAssertionKeys.shared(new AssertionKeyFile(file), clock, Duration.ofSeconds(30),
                Duration.ofMinutes(5), Duration.ofHours(24));
        DeviceAssertionKeys b = DeviceAssertionKeys.shared(new AssertionKeyFile(file), clock, Duration.ofSeconds(30),
                Duration.ofMinutes(5), Duration.ofHours(24));
        String oldKid = SignedJWT.parse(b.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1")).getHeader().getKeyID();

        assertThat(a.rotateNow()).isTrue();
        assertThat(a.rotateNow()).as("a second rotation while one is pending adds nothing").isFalse();
        b.reload();

        assertThat(a.jwks()).isEqualTo(b.jwks());
        assertThat((List<?>) b.jwks().get("keys")).hasSize(2);
        String beforeSwitch = b.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1");
        assertThat(SignedJWT.parse(beforeSwitch).getHeader().getKeyID()).isEqualTo(oldKid);

        clock.now = clock.now.plus(Duration.ofMinutes(5));
        String fromA = a.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1");
        String fromB = b.sign(DEVICE, "monitoring", "GET", "/x", null, "192.0.2.1");
        assertThat(SignedJWT.parse(fromA).getHeader().getKeyID()).isEqualTo(SignedJWT.parse(fromB).getHeader().getKeyID())
                .isNotEqualTo(oldKid);
        assertThat(verifies(fromA, b.jwks())).isTrue();
        assertThat(verifies(fromB, a.jwks())).isTrue();
        assertThat(verifies(beforeSwitch, a.jwks())).as("old key still published during the overlap").isTrue();

        clock.now = clock.now.plus(Duration.ofSeconds(91));
        assertThat((List<?>) a.jwks().get("keys")).hasSize(1);
        assertThat(b.jwks()).isEqualTo(a.jwks());
    }

    @Test
    void scheduledRotationByTwoReplicasAddsOneKeyOnly(@TempDir Path dir) {
        Path file = dir.resolve("e3-assertion-keys.json");
        MutableClock clock = new MutableClock();
        DeviceAssertionKeys a = DeviceAssertionKeys.shared(new AssertionKeyFile(file), clock, Duration.ofSeconds(30),
                Duration.ofMinutes(5), Duration.ofHours(24));
        DeviceAssertionKeys b = DeviceAssertionKeys.shared(new AssertionKeyFile(file), clock, Duration.ofSeconds(30),
                Duration.ofMinutes(5), Duration.ofHours(24));
        a.rotate();
        assertThat((List<?>) a.jwks().get("keys")).as("newest key not due yet").hasSize(1);
        clock.now = clock.now.plus(Duration.ofHours(24));
        a.rotate();
        b.rotate();
        b.reload();
        assertThat((List<?>) a.jwks().get("keys")).hasSize(2);
        assertThat(b.jwks()).isEqualTo(a.jwks());
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
