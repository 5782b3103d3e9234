package dev.edp.onboarding;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * A clock tests move: it follows the system clock plus an offset, can be frozen (two
 * events in the same second, whatever the machine's speed) and moved forward (a window
 * has passed, without waiting for it). It never goes back, so rows stamped with it stay
 * in order. Import {@link Config} to make it the service's clock; classes importing it
 * share one context.
 */
public final class TestClock extends Clock {

    /** Makes the one {@link TestClock} the service's {@link Clock}. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {

        @Bean
        @Primary
        TestClock testClock() {
            return new TestClock();
        }

    }

    private Duration offset = Duration.ZERO;

    private Instant frozen;

    @Override
    public synchronized Instant instant() {
        // Microseconds, as PostgreSQL stores them: what a test reads back equals what it
        // wrote.
        return (frozen != null ? frozen : Instant.now().plus(offset)).truncatedTo(ChronoUnit.MICROS);
    }

    /** Stops the clock at now, until {@link #release()}. */
    public synchronized void freeze() {
        frozen = instant();
    }

    /** Lets the clock run again, never behind where it stood. */
    public synchronized void release() {
        if (frozen != null) {
            Duration atLeast = Duration.between(Instant.now(), frozen);
            offset = atLeast.compareTo(offset) > 0 ? atLeast : offset;
            frozen = null;
        }
    }

    /**
     * @param amount how far to move forward
     */
    public synchronized void advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a test clock never goes back");
        }
        if (frozen != null) {
            frozen = frozen.plus(amount);
        }
        else {
            offset = offset.plus(amount);
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test clock is UTC");
    }

}
