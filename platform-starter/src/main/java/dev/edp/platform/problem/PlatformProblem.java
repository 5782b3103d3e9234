package dev.edp.platform.problem;

import org.springframework.http.HttpStatus;

/**
 * The problems the starter raises itself and that services raise with the same code and
 * title (a request that fails validation, a body that cannot be read). Besides these:
 * {@link NotFound} and {@link dev.edp.platform.web.WebProblem}.
 */
public enum PlatformProblem implements ProblemType {

    /**
     * Fields of the request are invalid; the problem lists them as {@code errors} where
     * it can.
     */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid request")
    VALIDATION_FAILED,

    /** A body that is not what the operation reads (not JSON, cut short). */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Malformed request body")
    MALFORMED_REQUEST_BODY,

    /** A parameter that does not convert or is not allowed. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid parameter")
    INVALID_PARAMETER,

    /** A body over the operation's limit. */
    @Problem(status = HttpStatus.CONTENT_TOO_LARGE, title = "Request too large")
    REQUEST_TOO_LARGE,

    /**
     * Text PostgreSQL cannot store (U+0000, an unpaired surrogate, invalid UTF-8);
     * {@code in} and {@code field} say where.
     */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid text")
    INVALID_TEXT,

    /** A query parameter value over {@code edp.web.max-parameter-length}. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Parameter too long")
    PARAMETER_TOO_LONG,

    /** A request target over {@code edp.web.max-uri-length} at a gateway or E3. */
    @Problem(status = HttpStatus.URI_TOO_LONG, title = "URI too long")
    URI_TOO_LONG,

    /** No valid access token. */
    @Problem(status = HttpStatus.UNAUTHORIZED, title = "Authentication required")
    UNAUTHORIZED,

    /** A valid token whose roles do not allow the request. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "Forbidden")
    FORBIDDEN,

    /** A device path reached without E3's device credential. */
    @Problem(status = HttpStatus.UNAUTHORIZED, title = "Device authentication required")
    DEVICE_ASSERTION_INVALID,

    /** The caller's customer is deactivated. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "Customer deactivated")
    CUSTOMER_DEACTIVATED,

    /** A user without a customer asks for customer data. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "No customer")
    NO_CUSTOMER,

    /** A platform admin creates a resource without saying whose. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Customer required")
    CUSTOMER_REQUIRED,

    /**
     * Keycloak cannot be reached or does not answer in time, and the request needs it (a
     * token signed with keys not fetched yet, a login, user management); answered with
     * {@code Retry-After: }{@value #IDENTITY_PROVIDER_RETRY_AFTER_SECONDS}.
     */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Identity provider unavailable")
    IDENTITY_PROVIDER_UNAVAILABLE,

    /**
     * At a gateway or E3: the service behind the route cannot be reached, its route's
     * breaker is open, or its connection ended before the answer (an instance that went
     * away mid-request); answered with
     * {@code Retry-After: }{@value #SERVICE_RETRY_AFTER_SECONDS}.
     */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Service unavailable")
    SERVICE_UNAVAILABLE;

    /**
     * The {@code Retry-After} of {@link #IDENTITY_PROVIDER_UNAVAILABLE}: Keycloak
     * restarts in about a minute; clients should not hammer it meanwhile.
     */
    public static final int IDENTITY_PROVIDER_RETRY_AFTER_SECONDS = 10;

    /**
     * The {@code Retry-After} of {@link #SERVICE_UNAVAILABLE} and of the gateways'
     * fallback answers: a few seconds, then another instance or the restarted one
     * answers.
     */
    public static final int SERVICE_RETRY_AFTER_SECONDS = 5;

}
