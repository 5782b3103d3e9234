package dev.edp.onboarding.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

import org.bouncycastle.asn1.x509.CRLReason;

/**
 * One revoked certificate on a CRL.
 *
 * @param serialNumber the certificate's serial (positive)
 * @param revokedAt when it was revoked
 * @param reason why; {@link Reason#UNSPECIFIED} is written as no reason code (RFC 5280,
 * 5.3.1)
 */
public record RevokedEntry(BigInteger serialNumber, Instant revokedAt, Reason reason) {

    /**
     * RFC 5280 reason codes that make sense for device certificates (no certificate
     * hold).
     */
    public enum Reason {

        UNSPECIFIED(CRLReason.unspecified), KEY_COMPROMISE(CRLReason.keyCompromise),
        AFFILIATION_CHANGED(CRLReason.affiliationChanged), SUPERSEDED(CRLReason.superseded),
        /** The device was decommissioned. */
        CESSATION_OF_OPERATION(CRLReason.cessationOfOperation), PRIVILEGE_WITHDRAWN(CRLReason.privilegeWithdrawn);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        /** The RFC 5280 {@code CRLReason} value. */
        public int code() {
            return this.code;
        }

    }

    public RevokedEntry {
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(reason, "reason");
        if (serialNumber.signum() <= 0) {
            throw new IllegalArgumentException("serialNumber must be positive");
        }
    }
}
