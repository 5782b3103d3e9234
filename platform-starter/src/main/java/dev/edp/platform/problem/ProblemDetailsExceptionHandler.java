package dev.edp.platform.problem;

import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every exception that reaches Spring MVC into an RFC 9457 problem with an EDP type
 * and code. Validation failures list the offending fields; a database fault (unreachable,
 * frozen, timed out: {@link DatabaseFailures}) is a 503 {@code DATABASE_UNAVAILABLE} with
 * {@code Retry-After}; other unexpected exceptions become a generic 500 whose body never
 * names a class or repeats an exception message.
 */
@RestControllerAdvice
public class ProblemDetailsExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsExceptionHandler.class);

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem) {
            Problems.complete(problem);
        }
        return response;
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = PlatformProblem.VALIDATION_FAILED
            .problem("The request has %d invalid field(s).".formatted(ex.getBindingResult().getErrorCount()));
        problem.setProperty("errors", ex.getBindingResult()
            .getAllErrors()
            .stream()
            .map(error -> Map.of("field", error instanceof FieldError field ? field.getField() : error.getObjectName(),
                    "message", String.valueOf(error.getDefaultMessage())))
            .toList());
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = PlatformProblem.VALIDATION_FAILED.problem("The request has invalid parameters.");
        problem.setProperty("errors",
                ex.getParameterValidationResults()
                    .stream()
                    .flatMap(result -> result.getResolvableErrors()
                        .stream()
                        .map(error -> Map.of("field", String.valueOf(result.getMethodParameter().getParameterName()),
                                "message", String.valueOf(error.getDefaultMessage()))))
                    .toList());
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    /**
     * A parameter, path variable or header that does not convert to its type (a bad UUID,
     * enum value or number): 400 {@code INVALID_PARAMETER} naming it, without repeating
     * the value.
     */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = ex.getPropertyName() == null ? "" : ex.getPropertyName();
        String in = "query";
        if (ex instanceof MethodArgumentTypeMismatchException mismatch) {
            name = mismatch.getName();
            in = mismatch.getParameter().hasParameterAnnotation(PathVariable.class) ? "path"
                    : mismatch.getParameter().hasParameterAnnotation(RequestHeader.class) ? "header" : "query";
        }
        ProblemDetail problem = PlatformProblem.INVALID_PARAMETER
            .problem("The %s parameter '%s' must be %s.".formatted(in, name, expected(ex.getRequiredType())));
        problem.setProperty("in", in);
        problem.setProperty("field", name);
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "a number in range";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 date or time";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a valid " + type.getSimpleName();
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = PlatformProblem.MALFORMED_REQUEST_BODY.problem(
                "The request body is missing, is not valid JSON, names a member twice, or has a value of the wrong type.");
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String detail = request instanceof ServletWebRequest servlet
                ? "No endpoint %s %s.".formatted(servlet.getRequest().getMethod(), servlet.getRequest().getRequestURI())
                : "No such endpoint.";
        return handleExceptionInternal(ex, NotFound.problem(detail), headers, status, request);
    }

    /**
     * Bean validation on method parameters outside Spring MVC's own binding.
     * @param ex the violation
     * @param request the request
     * @return a 400 problem listing the violations
     */
    @ExceptionHandler(ConstraintViolationException.class)
    public ResponseEntity<Object> handleConstraintViolation(ConstraintViolationException ex, WebRequest request) {
        ProblemDetail problem = PlatformProblem.VALIDATION_FAILED.problem("The request has invalid values.");
        List<Map<String, String>> errors = ex.getConstraintViolations()
            .stream()
            .map(v -> Map.of("field", v.getPropertyPath().toString(), "message", v.getMessage()))
            .toList();
        problem.setProperty("errors", errors);
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
    }

    /**
     * Anything unexpected: logged with its stack trace here, answered without one. A
     * database fault is not a bug of this service: 503 with {@code Retry-After}, logged
     * in one line.
     * @param ex the exception
     * @param request the request
     * @return a 503 problem for a database fault, else a 500 problem
     */
    @ExceptionHandler(Exception.class)
    public ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
        if (DatabaseFailures.isUnavailable(ex)) {
            log.warn("Database unavailable on {}: {}", request.getDescription(false), DatabaseFailures.describe(ex));
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseFailures.RETRY_AFTER_SECONDS));
            return handleExceptionInternal(ex, DatabaseFailures.problem(), headers, HttpStatus.SERVICE_UNAVAILABLE,
                    request);
        }
        log.error("Unexpected error on {}", request.getDescription(false), ex);
        ProblemDetail problem = Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal error",
                "The request could not be completed. It has been logged.");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

}
