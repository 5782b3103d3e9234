package dev.edp.platform.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * One entry of a service's catalogue of problems: an enum whose constant names are the
 * stable machine codes, each annotated with the status and title it always answers with
 * ({@link Problem}), so that a code cannot be misspelt at one call site or answer with
 * another title at the next. A service lists its catalogue in its README (a test compares
 * the two).
 *
 * <pre>
 * enum DeviceManagementProblem implements ProblemType {
 *     &#64;Problem(status = HttpStatus.CONFLICT, title = "Device decommissioned")
 *     DEVICE_DECOMMISSIONED, …
 * }
 * throw DeviceManagementProblem.DEVICE_DECOMMISSIONED.exception("Device " + id + " is decommissioned.");
 * </pre>
 */
public interface ProblemType {

    /**
     * @return the constant's name, which is the code unless its {@link Problem#code()}
     * says otherwise
     */
    String name();

    /**
     * @return the HTTP status this problem always answers with
     */
    default HttpStatus status() {
        return ProblemDefinitions.of(this).status();
    }

    /**
     * @return the short, human summary that does not change between occurrences
     */
    default String title() {
        return ProblemDefinitions.of(this).title();
    }

    /**
     * @return the machine-readable code in UPPER_SNAKE_CASE
     */
    default String code() {
        String code = ProblemDefinitions.of(this).code();
        return code.isEmpty() ? name() : code;
    }

    /**
     * @param detail explanation of this occurrence, safe to show to the caller
     * @return the exception to throw
     */
    default EdpException exception(String detail) {
        return new EdpException(status(), code(), title(), detail);
    }

    /**
     * The problem body itself, for code that writes a response without throwing (reactive
     * filters, exception handlers).
     * @param detail explanation of this occurrence, safe to show to the caller
     * @return the problem
     */
    default ProblemDetail problem(String detail) {
        return Problems.of(status(), code(), title(), detail);
    }

}
