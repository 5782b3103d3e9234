package dev.edp.onboarding.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The content of a CRL to sign. The caller owns revocation state and the CRL number (both
 * persisted, so every replica produces the same, monotonically numbered CRL).
 *
 * @param crlNumber the CRL number; must increase with every CRL the service publishes
 * @param thisUpdate issue time of the CRL
 * @param nextUpdate when the next CRL will be published at the latest (after
 * {@code thisUpdate})
 * @param revoked the revoked, not yet expired certificates of the issuing CA (serials
 * unique)
 */
public record CrlRequest(BigInteger crlNumber, Instant thisUpdate, Instant nextUpdate, List<RevokedEntry> revoked) {

    public CrlRequest {
        Objects.requireNonNull(crlNumber, "crlNumber");
        Objects.requireNonNull(thisUpdate, "thisUpdate");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        revoked = List.copyOf(revoked);
        if (crlNumber.signum() < 0 || crlNumber.bitLength() > 159) {
            throw new IllegalArgumentException("crlNumber must be a non-negative integer of at most 20 octets");
        }
        if (!nextUpdate.isAfter(thisUpdate)) {
            throw new IllegalArgumentException("nextUpdate must be after thisUpdate");
        }
        Set<BigInteger> serials = new HashSet<>();
        for (RevokedEntry entry : revoked) {
            if (!serials.add(entry.serialNumber())) {
                throw new IllegalArgumentException("Serial " + entry.serialNumber().toString(16) + " is listed twice");
            }
        }
    }
}
