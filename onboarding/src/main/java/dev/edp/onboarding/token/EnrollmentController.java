package dev.edp.onboarding.token;

import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import dev.edp.onboarding.OnboardingMetrics;
import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.OnboardingProperties;
import dev.edp.onboarding.RequestBodies;
import dev.edp.onboarding.pki.CsrInput;
import dev.edp.onboarding.pki.Pem;
import dev.edp.platform.device.CallerAddress;
import dev.edp.platform.problem.PlatformProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The device side of onboarding, public (no user token):
 * {@code POST /onboarding/api/v1/enrollments} with {@code {"token": "...", "csr":
 * "-----BEGIN CERTIFICATE REQUEST-----..."}}.
 */
@RestController
@Tag(name = "Device: enrollment", description = "A new device gets its certificate with its onboarding token")
class EnrollmentController {

    /** Largest request body read; a CSR is at most 16 KiB. */
    static final int MAX_BODY = 32 * 1024;

    /**
     * @param token the onboarding token (edp_ot_...)
     * @param csr the device's PKCS#10 request, PEM
     */
    record EnrollmentRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "The onboarding token") String token,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "PKCS#10 request, PEM (at most 16 KiB): "
                    + "EC P-256/P-384, Ed25519 or RSA 2048..8192, signed with SHA-256 or stronger") String csr) {
    }

    record EnrollmentResponse(UUID deviceId, UUID customerId, String serial, Instant notAfter, String certificate,
            String chain) {
    }

    private final EnrollmentService enrollments;

    private final JsonMapper json;

    private final OnboardingMetrics metrics;

    private final FailureThrottle throttle;

    private final CallerAddress callers;

    EnrollmentController(EnrollmentService enrollments, JsonMapper json, OnboardingMetrics metrics,
            CallerAddress callers, OnboardingProperties properties) {
        this.enrollments = enrollments;
        this.json = json;
        this.metrics = metrics;
        this.callers = callers;
        OnboardingProperties.Enrollment limits = properties.enrollment();
        this.throttle = new FailureThrottle(limits.maxFailures(), limits.globalMaxFailures(), limits.failureWindow(),
                Clock.systemUTC(), OnboardingProblem.TOO_MANY_FAILED_ENROLLMENTS, "enrollments", "this address");
    }

    @PostMapping(path = "/onboarding/api/v1/enrollments", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Enroll: token and CSR in, the device's certificate and the CA chain out (no certificate "
                    + "needed yet)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = EnrollmentRequest.class))))
    @ApiResponse(responseCode = "201", description = "Issued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = EnrollmentResponse.class)))
    @ApiResponse(responseCode = "200",
            description = "A retry with the same token and key after success: the same " + "certificate",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = EnrollmentResponse.class)))
    @ApiResponse(responseCode = "400", description = RequestBodies.JSON_CSR_REFUSALS)
    @ApiResponse(responseCode = "401", description = "TOKEN_UNKNOWN")
    @ApiResponse(responseCode = "409", description = "TOKEN_USED (also a retry with another key)")
    @ApiResponse(responseCode = "415", description = "UNSUPPORTED_MEDIA_TYPE: not application/json")
    @EnrollmentRefusals
    ResponseEntity<EnrollmentResponse> enroll(HttpServletRequest request, InputStream body) {
        EnrollmentService.Enrollment enrollment = guarded(request, () -> {
            EnrollmentRequest parsed = RequestBodies.readJson(json, body, MAX_BODY, EnrollmentRequest.class,
                    "{\"token\": \"...\", \"csr\": \"<PEM>\"}");
            if (parsed == null || parsed.csr() == null || parsed.csr().isBlank()) {
                throw PlatformProblem.VALIDATION_FAILED.exception("token and csr are required.");
            }
            return enrollments.enroll(parsed.token(), CsrInput.text(parsed.csr()));
        });
        return ResponseEntity.status(enrollment.replayed() ? HttpStatus.OK : HttpStatus.CREATED)
            .cacheControl(CacheControl.noStore())
            .body(new EnrollmentResponse(enrollment.deviceId(), enrollment.customerId(), enrollment.serial(),
                    enrollment.notAfter(), enrollment.certificatePem(), Pem.certificates(enrollment.chain())));
    }

    /**
     * Runs an enrollment with the failure throttle (per caller address - the device's as
     * E3 saw it, not E3's - and overall) and outcome metrics around it.
     */
    EnrollmentService.Enrollment guarded(HttpServletRequest request, Supplier<EnrollmentService.Enrollment> action) {
        EnrollmentService.Enrollment enrollment = throttle.guard(FailureThrottle.addressKey(callers.of(request)),
                action, metrics::enrollment);
        metrics.enrollment(enrollment.replayed() ? "REPLAYED" : "ISSUED");
        return enrollment;
    }

}
