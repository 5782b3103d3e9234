package dev.edp.platform.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.ErrorResponseException;

/**
 * Base of the domain exceptions of EDP services. It carries a complete problem detail, so
 * the shared exception handling answers with exactly that body, whatever the web stack.
 */
public class EdpException extends ErrorResponseException {

    /**
     * @param status HTTP status to answer with
     * @param code machine-readable code in UPPER_SNAKE_CASE
     * @param title short, human summary
     * @param detail explanation of this occurrence, safe to show to the caller
     */
    public EdpException(HttpStatusCode status, String code, String title, String detail) {
        super(status, Problems.of(status, code, title, detail), null);
    }

    /**
     * A problem another service answered with, handed on as it came (a service raises its
     * own problems through its {@link ProblemType} catalogue instead).
     * @param status the other service's status
     * @param code its code
     * @param title its title
     * @param detail its detail
     * @return the exception to throw
     */
    public static EdpException relayed(HttpStatusCode status, String code, String title, String detail) {
        return new EdpException(status, code, title, detail);
    }

    /**
     * Adds an extension member to the problem, such as the {@code errors} of a validation
     * problem.
     * @param name member name
     * @param value member value, written as JSON
     * @return this exception
     */
    public EdpException with(String name, Object value) {
        getBody().setProperty(name, value);
        return this;
    }

    /**
     * Sets {@code Retry-After} on the answer.
     * @param seconds when to try again
     * @return this exception
     */
    public EdpException retryAfter(long seconds) {
        getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return this;
    }

    /**
     * @return the machine-readable code
     */
    public String getCode() {
        return String.valueOf(getBody().getProperties().get(Problems.CODE));
    }

}
