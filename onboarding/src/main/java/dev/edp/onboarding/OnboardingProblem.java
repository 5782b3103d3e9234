package dev.edp.onboarding;

import dev.edp.platform.problem.Problem;
import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem onboarding answers with beyond the platform's own ({@code NOT_FOUND},
 * {@link dev.edp.platform.problem.PlatformProblem}, the list problems). The constant is
 * the code, except where a constant names an old code's second title; the README's table
 * lists them all ({@code OnboardingProblemCatalogueTests} keeps the two equal).
 */
public enum OnboardingProblem implements ProblemType {

    /** The onboarding token is not known (or not sent). */
    @Problem(status = HttpStatus.UNAUTHORIZED, title = "Unknown onboarding token")
    TOKEN_UNKNOWN,

    /**
     * The token enrolled a device already (a retry with the same key is answered, not
     * refused).
     */
    @Problem(status = HttpStatus.CONFLICT, title = "Onboarding token already used")
    TOKEN_USED,

    /** An operator revoked the token. */
    @Problem(status = HttpStatus.GONE, title = "Onboarding token revoked")
    TOKEN_REVOKED,

    /** The token's lifetime is over. */
    @Problem(status = HttpStatus.GONE, title = "Onboarding token expired")
    TOKEN_EXPIRED,

    /** Too many failed enrollments from one address, or overall. */
    @Problem(status = HttpStatus.TOO_MANY_REQUESTS, title = "Too many failed enrollments")
    TOO_MANY_FAILED_ENROLLMENTS,

    /** Too many failed renewals from one device. */
    @Problem(status = HttpStatus.TOO_MANY_REQUESTS, title = "Too many failed renewals")
    TOO_MANY_FAILED_RENEWALS,

    /** A device renews more often than allowed. */
    @Problem(status = HttpStatus.TOO_MANY_REQUESTS, title = "Too many renewals")
    TOO_MANY_RENEWALS,

    /** Not a parseable PKCS#10 request. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Certificate request refused")
    CSR_MALFORMED,

    /** A CSR larger than allowed. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Certificate request refused")
    CSR_TOO_LARGE,

    /** The CSR's signature does not verify with its own key. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Certificate request refused")
    CSR_SIGNATURE_INVALID,

    /** The CSR is signed with an algorithm not accepted. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Certificate request refused")
    CSR_SIGNATURE_ALGORITHM_NOT_ALLOWED,

    /** The CSR's key type or size is not accepted. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Certificate request refused")
    CSR_KEY_NOT_ALLOWED,

    /** A renewal with a certificate not issued to this device. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "Certificate not known")
    CERTIFICATE_UNKNOWN,

    /** A renewal with a revoked certificate. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "Certificate revoked")
    CERTIFICATE_REVOKED,

    /** A renewal with an expired certificate. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "Certificate expired")
    CERTIFICATE_EXPIRED,

    /** A renewal by a decommissioned device. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "Device revoked")
    DEVICE_REVOKED,

    /** A revocation reason that RFC 5280 does not name. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid revocation reason")
    INVALID_REASON,

    /**
     * Invalid fields of a server certificate request (code {@code VALIDATION_FAILED}, own
     * title).
     */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid server certificate request", code = "VALIDATION_FAILED")
    SERVER_CERTIFICATE_REQUEST_INVALID,

    /** Masterdata cannot say whether the customer is active; nothing was issued. */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Customer status unavailable")
    CUSTOMER_STATUS_UNAVAILABLE,

    /** device-management could not register the device; no token was created. */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Device registry unavailable")
    DEVICE_REGISTRY_UNAVAILABLE,

    /** The certificate authority failed; nothing was issued. */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Certificate authority unavailable")
    CA_UNAVAILABLE;

}
