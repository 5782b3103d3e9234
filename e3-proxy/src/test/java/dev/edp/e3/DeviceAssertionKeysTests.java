package dev.edp.e3;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import dev.edp.e3.assertion.DeviceAssertionKeys;
import dev.edp.e3.device.AuthenticatedDevice;
import dev.edp.e3.device.RateLimiter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Key rotation of the device assertion, and the token bucket. */
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
        AuthenticatedDevice device = new AuthenticatedDevice(UUID.randomUUID(), UUID.randomUUID(), BigInteger.TEN);
        String oldKid = SignedJWT.parse(keys.sign(device, "monitoring", "GET", "/x")).getHeader().getKeyID();
        keys.rotate();
        assertThat((List<Map<String, Object>>) keys.jwks().get("keys")).hasSize(2);
        assertThat(SignedJWT.parse(keys.sign(device, "monitoring", "GET", "/x")).getHeader().getKeyID()).isEqualTo(oldKid);
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        String newKid = SignedJWT.parse(keys.sign(device, "monitoring", "GET", "/x")).getHeader().getKeyID();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat((List<Map<String, Object>>) keys.jwks().get("keys")).hasSize(2);
        clock.now = clock.now.plus(Duration.ofSeconds(91));
        assertThat((List<Map<String, Object>>) keys.jwks().get("keys")).singleElement()
                .satisfies(key -> assertThat(key.get("kid")).isEqualTo(newKid));
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
