package dev.edp.onboarding.token;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The refusals an enrollment documents alike in its JSON and its EST form; each form
 * documents its own 400, 401, 409 and 415.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ApiResponse(responseCode = "410", description = "TOKEN_EXPIRED, TOKEN_REVOKED")
@ApiResponse(responseCode = "413", description = "REQUEST_TOO_LARGE: more than 32 KiB")
@ApiResponse(responseCode = "429", description = "TOO_MANY_FAILED_ENROLLMENTS (Retry-After)")
@ApiResponse(responseCode = "503", description = "CA_UNAVAILABLE: nothing was issued")
@interface EnrollmentRefusals {

}
