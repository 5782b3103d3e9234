package dev.edp.platform.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * One entry of a service's catalogue of problems: an enum whose constant names are the stable
 * machine codes, each with the status and title it always answers with, so that a code cannot be
 * misspelt at one call site or answer with another title at the next. A service lists its
 * catalogue in its README (a test compares the two).
 *
 * <pre>
 * enum DeviceManagementProblem implements ProblemType {
 *     DEVICE_DECOMMISSIONED(HttpStatus.CONFLICT, "Device decommissioned"), …
 * }
 * throw DeviceManagementProblem.DEVICE_DECOMMISSIONED.exception("Device " + id + " is decommissioned.");
 * </pre>
 */
public interface ProblemType {

    /** @return the constant's name, which is the code (enums implement it) */
    String name();

    /** @return the HTTP status this problem always answers with */
    HttpStatus status();

    /** @return the short, human summary that does not change between occurrences */
    String title();

    /** @return the machine-readable code in UPPER_SNAKE_CASE */
    default String code() {
        return name();
    }

    /**
     * @param detail explanation of this occurrence, safe to show to the caller
     * @return the exception to throw
     */
    default EdpException exception(String detail) {
        return new EdpException(status(), code(), title(), detail);
    }

    /**
     * The problem body itself, for code that writes a response without throwing (reactive filters,
     * exception handlers).
     * @param detail explanation of this occurrence, safe to show to the caller
     * @return the problem
     */
    default ProblemDetail problem(String detail) {
        return Problems.of(status(), code(), title(), detail);
    }
}
