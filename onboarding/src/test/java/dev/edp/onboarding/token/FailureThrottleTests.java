package dev.edp.onboarding.token;

import java.time.Clock;
import java.time.Duration;

import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.TestClock;
import dev.edp.platform.problem.EdpException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class FailureThrottleTests {

    @Test
    void blocksAnAddressAfterTooManyFailuresUntilTheWindowEnds() {
        TestClock clock = new TestClock();
        clock.freeze();
        FailureThrottle throttle = new FailureThrottle(3, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 3; i++) {
            throttle.check("10.0.0.1");
            throttle.failed("10.0.0.1");
        }
        assertThatExceptionOfType(EdpException.class).isThrownBy(() -> throttle.check("10.0.0.1")).satisfies(ex -> {
            assertThat(ex.getStatusCode().value()).isEqualTo(429);
            assertThat(ex.getHeaders().getFirst("Retry-After")).isEqualTo("60");
        });
        assertThatNoException().isThrownBy(() -> throttle.check("10.0.0.2"));
        clock.advance(Duration.ofSeconds(61));
        assertThatNoException().isThrownBy(() -> throttle.check("10.0.0.1"));
    }

    @Test
    void oneAddressIsBlockedLongBeforeTheGlobalCeilingWhichThenBlocksEveryone() {
        TestClock clock = new TestClock();
        clock.freeze();
        FailureThrottle throttle = new FailureThrottle(3, 8, Duration.ofMinutes(1), clock,
                OnboardingProblem.TOO_MANY_FAILED_ENROLLMENTS, "enrollments", "this address");
        // One address fails on and on (also requests that slipped past the check
        // concurrently): blocked after 3, and it never counts more than 3 towards the
        // ceiling.
        for (int i = 0; i < 10; i++) {
            throttle.failed("10.0.0.1");
        }
        assertThatExceptionOfType(EdpException.class).isThrownBy(() -> throttle.check("10.0.0.1"));
        assertThatNoException().isThrownBy(() -> throttle.check("10.0.0.2"));
        // A flood from many addresses, each below its own limit, reaches the ceiling.
        for (int i = 2; i <= 3; i++) {
            throttle.failed("10.0.0." + i);
            throttle.failed("10.0.0." + i);
        }
        assertThatNoException().isThrownBy(() -> throttle.check("10.0.0.9"));
        throttle.failed("10.0.0.4");
        assertThatExceptionOfType(EdpException.class).isThrownBy(() -> throttle.check("10.0.0.9")).satisfies(ex -> {
            assertThat(ex.getStatusCode().value()).isEqualTo(429);
            assertThat(ex.getBody().getDetail()).contains("overall");
            assertThat(ex.getHeaders().getFirst("Retry-After")).isEqualTo("60");
        });
        clock.advance(Duration.ofSeconds(60));
        assertThatNoException().isThrownBy(() -> throttle.check("10.0.0.9"));
        assertThatNoException().isThrownBy(() -> throttle.check("10.0.0.1"));
    }

    @Test
    void aCeilingAnAddressCouldReachIsRefused() {
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> new FailureThrottle(20, 20, Duration.ofMinutes(1), Clock.systemUTC(),
                    OnboardingProblem.TOO_MANY_FAILED_ENROLLMENTS, "enrollments", "this address"));
    }

    @Test
    void ipv6CallersCountPerSlash64AndIpv4PerAddress() {
        assertThat(FailureThrottle.addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"))
            .isEqualTo(FailureThrottle.addressKey("2001:db8:1:2::1"))
            .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(FailureThrottle.addressKey("2001:db8:1:3::1"))
            .isNotEqualTo(FailureThrottle.addressKey("2001:db8:1:2::1"));
        assertThat(FailureThrottle.addressKey("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(FailureThrottle.addressKey("::ffff:198.51.100.7")).isEqualTo("198.51.100.7");
    }

}
