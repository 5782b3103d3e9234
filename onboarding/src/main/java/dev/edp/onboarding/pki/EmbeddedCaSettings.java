package dev.edp.onboarding.pki;

import java.net.URI;
import java.time.Clock;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Settings of an {@link EmbeddedCertificateAuthority}.
 *
 * @param name prefix of the CA common names of a generated CA ({@code "<name> Root CA"},
 * {@code "<name> Issuing CA"}); 1..48 printable characters
 * @param crlDistributionPoint if set, written as the CRL distribution point of every
 * device certificate (an absolute {@code http} or {@code https} URL where the DER CRL is
 * published)
 * @param clock time source (tests use a fixed clock)
 */
public record EmbeddedCaSettings(String name, @Nullable URI crlDistributionPoint, Clock clock) {

    public EmbeddedCaSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clock, "clock");
        if (name.isBlank() || name.length() > 48 || !name.chars().allMatch((c) -> c >= 0x20 && c != 0x7f)) {
            throw new IllegalArgumentException("CA name must be 1 to 48 printable characters");
        }
        if (crlDistributionPoint != null && (!crlDistributionPoint.isAbsolute()
                || !("http".equals(crlDistributionPoint.getScheme())
                        || "https".equals(crlDistributionPoint.getScheme()))
                || crlDistributionPoint.getHost() == null)) {
            throw new IllegalArgumentException("CRL distribution point must be an absolute http(s) URL");
        }
    }

    /** Name {@code EDP}, no CRL distribution point, the UTC system clock. */
    public static EmbeddedCaSettings defaults() {
        return new EmbeddedCaSettings("EDP", null, Clock.systemUTC());
    }

    public EmbeddedCaSettings withName(String name) {
        return new EmbeddedCaSettings(name, this.crlDistributionPoint, this.clock);
    }

    public EmbeddedCaSettings withCrlDistributionPoint(@Nullable URI crlDistributionPoint) {
        return new EmbeddedCaSettings(this.name, crlDistributionPoint, this.clock);
    }

    public EmbeddedCaSettings withClock(Clock clock) {
        return new EmbeddedCaSettings(this.name, this.crlDistributionPoint, clock);
    }
}
