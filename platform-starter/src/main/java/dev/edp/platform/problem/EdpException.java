package dev.edp.platform.problem;

import org.springframework.http.HttpStatusCode;
import org.springframework.web.ErrorResponseException;

/**
 * Base of the domain exceptions of EDP services. It carries a complete problem detail, so the
 * shared exception handling answers with exactly that body, whatever the web stack.
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

    /** @return the machine-readable code */
    public String getCode() {
        return String.valueOf(getBody().getProperties().get(Problems.CODE));
    }
}
