package dev.edp.agent;

import java.time.Duration;

/** E3 (or a backend behind it) did not accept a request. */
public final class E3Exception extends Exception {

    /** How the agent reacts. */
    public enum Kind {

        /**
         * E3 refused the device's certificate: 401 with
         * {@code DEVICE_CERTIFICATE_REVOKED}, {@code DEVICE_CERTIFICATE_INVALID}
         * (expired, not yet valid, not from the platform CA) or
         * {@code DEVICE_CERTIFICATE_REQUIRED}. Retrying cannot help; the agent stops.
         */
        UNAUTHORIZED,
        /**
         * Connection failure, timeout, 408, 429, 5xx, and any other 401 (a backend that
         * did not accept E3's device assertion, a proxy in between): back off and try
         * again.
         */
        RETRYABLE,
        /** Any other answer: the request itself was refused. */
        REJECTED

    }

    private final Kind kind;

    private final int status;

    private final String code;

    private final Duration retryAfter;

    E3Exception(Kind kind, int status, String code, Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /**
     * @return how to react
     */
    public Kind kind() {
        return kind;
    }

    /**
     * @return the HTTP status, 0 when no answer came
     */
    public int status() {
        return status;
    }

    /**
     * @return the problem's {@code code}, if the answer had one
     */
    public String code() {
        return code;
    }

    /**
     * @return E3's {@code Retry-After}, or null
     */
    public Duration retryAfter() {
        return retryAfter;
    }

}
