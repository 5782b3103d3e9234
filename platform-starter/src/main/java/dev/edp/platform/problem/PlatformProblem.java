package dev.edp.platform.problem;

import org.springframework.http.HttpStatus;

/**
 * The problems the starter raises itself and that services raise with the same code and title
 * (a request that fails validation, a body that cannot be read). Besides these: {@link NotFound} and
 * {@link dev.edp.platform.web.WebProblem}.
 */
public enum PlatformProblem implements ProblemType {

    /** Fields of the request are invalid; the problem lists them as {@code errors} where it can. */
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "Invalid request"),

    /** A body that is not what the operation reads (not JSON, cut short). */
    MALFORMED_REQUEST_BODY(HttpStatus.BAD_REQUEST, "Malformed request body"),

    /** A parameter that does not convert or is not allowed. */
    INVALID_PARAMETER(HttpStatus.BAD_REQUEST, "Invalid parameter"),

    /** A body over the operation's limit. */
    REQUEST_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "Request too large"),

    /** Text PostgreSQL cannot store (U+0000, an unpaired surrogate, invalid UTF-8); {@code in} and {@code field} say where. */
    INVALID_TEXT(HttpStatus.BAD_REQUEST, "Invalid text"),

    /** A query parameter value over {@code edp.web.max-parameter-length}. */
    PARAMETER_TOO_LONG(HttpStatus.BAD_REQUEST, "Parameter too long"),

    /** A request target over {@code edp.web.max-uri-length} at a gateway or E3. */
    URI_TOO_LONG(HttpStatus.URI_TOO_LONG, "URI too long"),

    /** No valid access token. */
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "Authentication required"),

    /** A device path reached without E3's device credential. */
    DEVICE_ASSERTION_INVALID(HttpStatus.UNAUTHORIZED, "Device authentication required"),

    /** The caller's customer is deactivated. */
    CUSTOMER_DEACTIVATED(HttpStatus.FORBIDDEN, "Customer deactivated"),

    /** A user without a customer asks for customer data. */
    NO_CUSTOMER(HttpStatus.FORBIDDEN, "No customer"),

    /** A platform admin creates a resource without saying whose. */
    CUSTOMER_REQUIRED(HttpStatus.BAD_REQUEST, "Customer required");

    private final HttpStatus status;

    private final String title;

    PlatformProblem(HttpStatus status, String title) {
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
