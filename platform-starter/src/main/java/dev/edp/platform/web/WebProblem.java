package dev.edp.platform.web;

import dev.edp.platform.problem.Problem;
import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * The problems of the starter's list and concurrency helpers, the same in every service.
 */
public enum WebProblem implements ProblemType {

    /**
     * A {@code cursor} this list did not hand out (tampered, of another list or sort).
     */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid cursor")
    INVALID_CURSOR,

    /** A {@code limit} outside 1 to {@value Cursor#MAX_LIMIT}. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid page size")
    INVALID_LIMIT,

    /** A {@code sort} the list does not offer. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid sort")
    INVALID_SORT,

    /** A {@code label} filter that is not {@code key:value}. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid label filter")
    INVALID_LABEL_FILTER,

    /** An update without the {@code If-Match} it needs. */
    @Problem(status = HttpStatus.PRECONDITION_REQUIRED, title = "If-Match required")
    IF_MATCH_REQUIRED,

    /** An update based on an outdated version. */
    @Problem(status = HttpStatus.PRECONDITION_FAILED, title = "Changed meanwhile")
    STALE_VERSION;

}
