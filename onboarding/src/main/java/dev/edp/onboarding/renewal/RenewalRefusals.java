package dev.edp.onboarding.renewal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.edp.onboarding.RequestBodies;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The refusals a renewal documents, the same for its JSON and its EST form.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ApiResponse(responseCode = "400", description = RequestBodies.JSON_CSR_REFUSALS)
@ApiResponse(responseCode = "403",
        description = "CERTIFICATE_UNKNOWN, CERTIFICATE_REVOKED, CERTIFICATE_EXPIRED, "
                + "DEVICE_REVOKED: the presented certificate cannot be renewed")
@ApiResponse(responseCode = "413", description = "REQUEST_TOO_LARGE: more than 32 KiB")
@ApiResponse(responseCode = "415", description = "UNSUPPORTED_MEDIA_TYPE")
@ApiResponse(responseCode = "429", description = "TOO_MANY_FAILED_RENEWALS (Retry-After)")
@ApiResponse(responseCode = "503", description = "CA_UNAVAILABLE: nothing was issued")
@interface RenewalRefusals {

}
