package dev.edp.platform.web;

import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/** The problems of the starter's list and concurrency helpers, the same in every service. */
public enum WebProblem implements ProblemType {

    /** A {@code cursor} this list did not hand out (tampered, of another list or sort). */
    INVALID_CURSOR(HttpStatus.BAD_REQUEST, "Invalid cursor"),

    /** A {@code limit} outside 1 to {@value Cursor#MAX_LIMIT}. */
    INVALID_LIMIT(HttpStatus.BAD_REQUEST, "Invalid page size"),

    /** A {@code sort} the list does not offer. */
    INVALID_SORT(HttpStatus.BAD_REQUEST, "Invalid sort"),

    /** A {@code label} filter that is not {@code key:value}. */
    INVALID_LABEL_FILTER(HttpStatus.BAD_REQUEST, "Invalid label filter"),

    /** An update without the {@code If-Match} it needs. */
    IF_MATCH_REQUIRED(HttpStatus.PRECONDITION_REQUIRED, "If-Match required"),

    /** An update based on an outdated version. */
    STALE_VERSION(HttpStatus.PRECONDITION_FAILED, "Changed meanwhile");

    private final HttpStatus status;

    private final String title;

    WebProblem(HttpStatus status, String title) {
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
