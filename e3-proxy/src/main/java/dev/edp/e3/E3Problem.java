package dev.edp.e3;

import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem E3 answers with itself, before or instead of forwarding (besides the starter's
 * {@link dev.edp.platform.problem.PlatformProblem}s and the gateway problems of its routes). The
 * constant is the code; the README's table lists them all ({@code E3ProblemCatalogueTests} keeps
 * the two equal).
 */
public enum E3Problem implements ProblemType {

    /** A device path without a client certificate. */
    DEVICE_CERTIFICATE_REQUIRED(HttpStatus.UNAUTHORIZED, "Device authentication required"),

    /** A client certificate that is expired, not yet valid, of another CA or no device certificate. */
    DEVICE_CERTIFICATE_INVALID(HttpStatus.UNAUTHORIZED, "Device authentication required"),

    /** A revoked client certificate. */
    DEVICE_CERTIFICATE_REVOKED(HttpStatus.UNAUTHORIZED, "Device authentication required"),

    /** E3 does not know the revocation status of device certificates (no usable CRL). */
    DEVICE_TRUST_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Device trust unavailable"),

    /** A device sends faster than its token bucket allows. */
    TOO_MANY_REQUESTS(HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),

    /** The route's bound on requests in flight is reached. */
    BACKEND_BUSY(HttpStatus.SERVICE_UNAVAILABLE, "Backend busy"),

    /** E3 has not published its device keys yet. */
    SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "E3 is starting");

    private final HttpStatus status;

    private final String title;

    E3Problem(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    @Override
    public HttpStatus status() {
        return status;
    }

    @Override
    public String title() {
        return title;
    }
}
