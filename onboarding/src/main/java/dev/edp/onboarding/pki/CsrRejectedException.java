package dev.edp.onboarding.pki;

import java.util.Objects;

/**
 * A certificate signing request was refused. Nothing was issued.
 *
 * <p>
 * {@link #reason()} is stable and machine-readable (the HTTP layer puts
 * {@link Reason#name()} into the problem's {@code code}); {@link #getMessage()} is a
 * short, safe human explanation that never contains exception class names, parser
 * internals or the CSR's content. The original parser exception, if any, is kept as the
 * cause for server-side logs only.
 */
public final class CsrRejectedException extends RuntimeException {

    /** Why a CSR was rejected. */
    public enum Reason {

        /**
         * Not a parseable PKCS#10 request (bad PEM/base64, bad DER, trailing data, wrong
         * version).
         */
        CSR_MALFORMED,
        /** Larger than the configured limit; not parsed at all. */
        CSR_TOO_LARGE,
        /**
         * The signature does not verify with the key in the request: no proof of
         * possession.
         */
        CSR_SIGNATURE_INVALID,
        /** Signed with an algorithm that is not accepted (for example SHA-1 or MD5). */
        CSR_SIGNATURE_ALGORITHM_NOT_ALLOWED,
        /** The key is not EC P-256/P-384, Ed25519 or RSA 2048..8192 bits. */
        CSR_KEY_NOT_ALLOWED

    }

    private final Reason reason;

    CsrRejectedException(Reason reason, String message) {
        this(reason, message, null);
    }

    CsrRejectedException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(message), cause, false, false);
        this.reason = Objects.requireNonNull(reason);
    }

    /** The machine-readable reason. */
    public Reason reason() {
        return this.reason;
    }

    /** The reason as the stable code string, e.g. {@code CSR_SIGNATURE_INVALID}. */
    public String code() {
        return this.reason.name();
    }

}
