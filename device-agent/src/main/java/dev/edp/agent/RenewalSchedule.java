package dev.edp.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When a certificate is renewed: at two thirds of its lifetime, so a failed renewal has a
 * third left to retry.
 */
public final class RenewalSchedule {

    private final Clock clock;

    /**
     * @param clock the clock "now" is read from
     */
    public RenewalSchedule(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param identity the current certificate
     * @return the moment to renew it
     */
    public static Instant renewAt(DeviceIdentity identity) {
        return identity.notBefore().plus(identity.lifetime().multipliedBy(2).dividedBy(3));
    }

    /**
     * @param identity the current certificate
     * @return time left until renewal, zero if due
     */
    public Duration untilRenewal(DeviceIdentity identity) {
        Duration left = Duration.between(clock.instant(), renewAt(identity));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * @param identity the current certificate
     * @return whether it is due
     */
    public boolean isDue(DeviceIdentity identity) {
        return !clock.instant().isBefore(renewAt(identity));
    }

}
