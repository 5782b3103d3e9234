package dev.edp.onboarding;

import dev.edp.onboarding.pki.CertificateAuthorityException;
import dev.edp.onboarding.pki.CsrRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Maps the PKI core's exceptions to problem responses: a refused CSR is the device's
 * fault (400).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class OnboardingProblems {

    private static final Logger log = LoggerFactory.getLogger(OnboardingProblems.class);

    @ExceptionHandler(CsrRejectedException.class)
    ResponseEntity<ProblemDetail> csrRejected(CsrRejectedException ex) {
        return problem(OnboardingProblem.valueOf(ex.code()).problem(ex.getMessage()));
    }

    @ExceptionHandler(CertificateAuthorityException.class)
    ResponseEntity<ProblemDetail> caFailed(CertificateAuthorityException ex) {
        log.error("The certificate authority failed", ex);
        return problem(OnboardingProblem.CA_UNAVAILABLE
            .problem("The certificate could not be issued; nothing was issued. Try again later."));
    }

    private static ResponseEntity<ProblemDetail> problem(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

}
