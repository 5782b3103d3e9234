package dev.edp.platform.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's {@code BasicErrorController}: errors that never reached a Spring MVC
 * handler (a filter that failed, a container-level 404 or 400) are forwarded by the
 * servlet container to the error path, and get the same problem+json body as everything
 * else. Boot's {@code spring.mvc.problemdetails.enabled} does not cover this path.
 */
@RestController
@RequestMapping("${server.error.path:${error.path:/error}}")
public class ProblemErrorController implements ErrorController {

    /**
     * @param request the forwarded request, carrying the servlet error attributes
     * @return the problem for the original request's status
     */
    @RequestMapping
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object attribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Called directly, not as an error dispatch: there is no such endpoint.
        int status = attribute instanceof Integer code ? code : HttpStatus.NOT_FOUND.value();
        HttpStatus resolved = HttpStatus.resolve(status);
        if (resolved == null) {
            resolved = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        ProblemDetail problem = Problems.complete(ProblemDetail.forStatus(resolved));
        if (resolved == HttpStatus.NOT_FOUND) {
            Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            problem.setDetail(uri == null ? "No such endpoint." : "No endpoint " + uri + ".");
        }
        return ResponseEntity.status(resolved).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

}
