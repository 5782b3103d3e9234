package dev.edp.onboarding.token;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import dev.edp.onboarding.EstResponses;
import dev.edp.onboarding.OnboardingOpenApi;
import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.RequestBodies;
import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.CsrInput;
import dev.edp.platform.problem.EdpException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * EST (RFC 7030) for off-the-shelf clients: {@code cacerts} and {@code simpleenroll},
 * with the onboarding token as the HTTP Basic password (the user name is ignored). Bodies
 * are base64 as RFC 7030 section 4 requires. {@code simplereenroll} needs the device's
 * certificate (through E3) and lives with renewal ({@code renewal.RenewalController}).
 */
@RestController
@Tag(name = "Device: EST", description = "RFC 7030 enrollment for off-the-shelf EST clients")
class EstController {

    static final String PKCS7 = EstResponses.PKCS7;
    static final String PKCS10 = "application/pkcs10";

    private final CertificateAuthority ca;

    private final EnrollmentService enrollments;

    private final EnrollmentController guard;

    EstController(CertificateAuthority ca, EnrollmentService enrollments, EnrollmentController guard) {
        this.ca = ca;
        this.enrollments = enrollments;
        this.guard = guard;
    }

    @GetMapping("/.well-known/est/cacerts")
    @Operation(summary = "The CA certificates (RFC 7030 4.1)")
    @ApiResponse(responseCode = "200",
            description = "Base64 of a certs-only PKCS#7 (Content-Transfer-Encoding: base64)",
            content = @Content(mediaType = PKCS7, schema = @Schema(type = "string", format = "base64")))
    ResponseEntity<String> cacerts() {
        return EstResponses.certsOnly(ca.chain(), CacheControl.empty());
    }

    @PostMapping(path = "/.well-known/est/simpleenroll", consumes = PKCS10)
    @Operation(
            summary = "Enroll (RFC 7030 4.2.1): the onboarding token as the HTTP Basic password, user name "
                    + "ignored",
            security = @SecurityRequirement(name = OnboardingOpenApi.EST_TOKEN),
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    description = "Base64 "
                            + "of the DER PKCS#10 request, line breaks (CRLF or LF) allowed, at most 32 KiB",
                    content = @Content(mediaType = PKCS10, schema = @Schema(type = "string", format = "base64"))))
    @ApiResponse(responseCode = "200", description = "Base64 of a certs-only PKCS#7 holding the certificate",
            content = @Content(mediaType = PKCS7, schema = @Schema(type = "string", format = "base64")))
    @ApiResponse(responseCode = "400",
            description = "CSR_MALFORMED (also bad base64), CSR_SIGNATURE_INVALID, "
                    + "CSR_KEY_NOT_ALLOWED, CSR_SIGNATURE_ALGORITHM_NOT_ALLOWED, CSR_TOO_LARGE")
    @ApiResponse(responseCode = "401", description = "TOKEN_UNKNOWN, with WWW-Authenticate: Basic")
    @ApiResponse(responseCode = "409", description = "TOKEN_USED")
    @ApiResponse(responseCode = "415", description = "UNSUPPORTED_MEDIA_TYPE: not application/pkcs10")
    @EnrollmentRefusals
    ResponseEntity<String> simpleenroll(HttpServletRequest request,
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            InputStream body) {
        String token = basicPassword(authorization);
        EnrollmentService.Enrollment enrollment;
        try {
            enrollment = guard.guarded(request, () -> {
                byte[] der = RequestBodies.base64Csr(RequestBodies.readLimited(body, EnrollmentController.MAX_BODY));
                return enrollments.enroll(token, CsrInput.der(der));
            });
        }
        catch (EdpException ex) {
            if (ex.getStatusCode().value() == 401) {
                ex.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"EDP EST\"");
            }
            throw ex;
        }
        // A device's certificate: no cache keeps it (as the JSON enrollment and EST
        // simplereenroll answer).
        return EstResponses.certsOnly(List.of(enrollment.certificate()), CacheControl.noStore());
    }

    private static String basicPassword(String authorization) {
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon >= 0 && colon < decoded.length() - 1) {
                    return decoded.substring(colon + 1);
                }
            }
            catch (IllegalArgumentException ex) {
                // fall through to the challenge
            }
        }
        EdpException problem = OnboardingProblem.TOKEN_UNKNOWN
            .exception("Send the onboarding token as the HTTP Basic password.");
        problem.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"EDP EST\"");
        return throwing(problem);
    }

    private static String throwing(EdpException ex) {
        throw ex;
    }

}
