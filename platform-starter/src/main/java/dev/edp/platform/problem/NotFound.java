package dev.edp.platform.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The one 404 problem of the API. {@link dev.edp.platform.security.Tenant} answers
 * another customer's resource with it too, so that "not yours" and "not there" look
 * alike.
 */
public final class NotFound {

    /** The code. */
    public static final String CODE = "NOT_FOUND";

    private NotFound() {
    }

    /**
     * @param what what was asked for, e.g. {@code "Machine 42"}
     * @return the problem, detail {@code "Machine 42 was not found."}
     */
    public static EdpException of(String what) {
        return withDetail(what + " was not found.");
    }

    /**
     * @param detail the whole detail, for a lookup that is no plain "X was not found"
     * @return the problem
     */
    public static EdpException withDetail(String detail) {
        return new EdpException(HttpStatus.NOT_FOUND, CODE, "Not found", detail);
    }

    /**
     * @param detail the whole detail
     * @return the problem body, for code that writes a response without throwing
     */
    public static ProblemDetail problem(String detail) {
        return Problems.of(HttpStatus.NOT_FOUND, CODE, "Not found", detail);
    }

}
