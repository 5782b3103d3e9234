package dev.edp.platform.problem;

import java.net.URI;
import java.util.Locale;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Builds the RFC 9457 problem details every EDP service answers with.
 * <p>
 * Every problem carries a stable {@code type} URI derived from a machine-readable
 * {@code code} (for example {@code TOKEN_EXPIRED} becomes
 * {@code https://edp.dev/problems/token-expired}), a human {@code title} and a
 * {@code detail}. Nothing here ever includes an exception message or a class name:
 * callers decide what a client may read.
 */
public final class Problems {

    /** Base of every problem {@code type} URI. */
    public static final String TYPE_BASE = "https://edp.dev/problems/";

    /** Name of the extension member that carries the machine-readable code. */
    public static final String CODE = "code";

    private Problems() {
    }

    /**
     * A problem with the given status, code, title and detail.
     * @param status HTTP status
     * @param code machine-readable code in UPPER_SNAKE_CASE
     * @param title short, human summary that does not change between occurrences
     * @param detail explanation of this occurrence, safe to show to the caller (may be
     * null)
     * @return the problem
     */
    public static ProblemDetail of(HttpStatusCode status, String code, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setType(typeOf(code));
        problem.setTitle(title);
        problem.setDetail(detail);
        problem.setProperty(CODE, code);
        return problem;
    }

    /**
     * The stable type URI of a code.
     * @param code machine-readable code in UPPER_SNAKE_CASE
     * @return {@code https://edp.dev/problems/<code in kebab case>}
     */
    public static URI typeOf(String code) {
        return URI.create(TYPE_BASE + code.toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /**
     * Gives a problem produced by Spring (which knows only the status) its EDP type and
     * code, keeping a title and detail that were already set.
     * @param problem the problem to complete in place
     * @return the same problem
     */
    public static ProblemDetail complete(ProblemDetail problem) {
        Object code = problem.getProperties() == null ? null : problem.getProperties().get(CODE);
        if (code == null) {
            code = defaultCode(problem.getStatus());
            problem.setProperty(CODE, code);
        }
        if (problem.getType() == null || URI.create("about:blank").equals(problem.getType())) {
            problem.setType(typeOf(code.toString()));
        }
        if (problem.getTitle() == null) {
            problem.setTitle(defaultTitle(problem.getStatus()));
        }
        return problem;
    }

    /**
     * The code used when nothing more specific is known.
     * @param status HTTP status value
     * @return a code such as {@code NOT_FOUND}
     */
    public static String defaultCode(int status) {
        return switch (status) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 409 -> "CONFLICT";
            case 410 -> "GONE";
            case 412 -> "PRECONDITION_FAILED";
            case 413 -> "REQUEST_TOO_LARGE";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 422 -> "UNPROCESSABLE_CONTENT";
            case 428 -> "PRECONDITION_REQUIRED";
            case 429 -> "TOO_MANY_REQUESTS";
            case 502 -> "BAD_GATEWAY";
            case 503 -> "SERVICE_UNAVAILABLE";
            case 504 -> "GATEWAY_TIMEOUT";
            default -> status >= 500 ? "INTERNAL_ERROR" : "CLIENT_ERROR";
        };
    }

    private static String defaultTitle(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Authentication required";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable";
            case 409 -> "Conflict";
            case 413 -> "Request too large";
            case 415 -> "Unsupported media type";
            case 429 -> "Too many requests";
            case 503 -> "Service unavailable";
            case 504 -> "Gateway timeout";
            default -> status >= 500 ? "Internal error" : "Request refused";
        };
    }

}
