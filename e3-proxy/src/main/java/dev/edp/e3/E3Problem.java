package dev.edp.e3;

import dev.edp.platform.problem.Problem;
import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem E3 answers with itself, before or instead of forwarding (besides the
 * starter's {@link dev.edp.platform.problem.PlatformProblem}s and the gateway problems of
 * its routes). The constant is the code; the README's table lists them all
 * ({@code E3ProblemCatalogueTests} keeps the two equal).
 */
public enum E3Problem implements ProblemType {

    /** A device path without a client certificate. */
    @Problem(status = HttpStatus.UNAUTHORIZED, title = "Device authentication required")
    DEVICE_CERTIFICATE_REQUIRED,

    /**
     * A client certificate that is expired, not yet valid, of another CA or no device
     * certificate.
     */
    @Problem(status = HttpStatus.UNAUTHORIZED, title = "Device authentication required")
    DEVICE_CERTIFICATE_INVALID,

    /** A revoked client certificate. */
    @Problem(status = HttpStatus.UNAUTHORIZED, title = "Device authentication required")
    DEVICE_CERTIFICATE_REVOKED,

    /** E3 does not know the revocation status of device certificates (no usable CRL). */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Device trust unavailable")
    DEVICE_TRUST_UNAVAILABLE,

    /** A device sends faster than its token bucket allows. */
    @Problem(status = HttpStatus.TOO_MANY_REQUESTS, title = "Too many requests")
    TOO_MANY_REQUESTS,

    /** The route's bound on requests in flight is reached. */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Backend busy")
    BACKEND_BUSY;

}
