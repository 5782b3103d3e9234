package dev.edp.onboarding;

import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem onboarding answers with beyond the platform's own ({@code NOT_FOUND},
 * {@link dev.edp.platform.problem.PlatformProblem}, the list problems). The constant is the code,
 * except where a constant names an old code's second title; the README's table lists them all
 * ({@code OnboardingProblemCatalogueTests} keeps the two equal).
 */
public enum OnboardingProblem implements ProblemType {

    /** The onboarding token is not known (or not sent). */
    TOKEN_UNKNOWN(HttpStatus.UNAUTHORIZED, "Unknown onboarding token"),

    /** The token enrolled a device already (a retry with the same key is answered, not refused). */
    TOKEN_USED(HttpStatus.CONFLICT, "Onboarding token already used"),

    /** An operator revoked the token. */
    TOKEN_REVOKED(HttpStatus.GONE, "Onboarding token revoked"),

    /** The token's lifetime is over. */
    TOKEN_EXPIRED(HttpStatus.GONE, "Onboarding token expired"),

    /** Too many failed enrollments from one address, or overall. */
    TOO_MANY_FAILED_ENROLLMENTS(HttpStatus.TOO_MANY_REQUESTS, "Too many failed enrollments"),

    /** Too many failed renewals from one device. */
    TOO_MANY_FAILED_RENEWALS(HttpStatus.TOO_MANY_REQUESTS, "Too many failed renewals"),

    /** A device renews more often than allowed. */
    TOO_MANY_RENEWALS(HttpStatus.TOO_MANY_REQUESTS, "Too many renewals"),

    /** Not a parseable PKCS#10 request. */
    CSR_MALFORMED(HttpStatus.BAD_REQUEST, "Certificate request refused"),

    /** A CSR larger than allowed. */
    CSR_TOO_LARGE(HttpStatus.BAD_REQUEST, "Certificate request refused"),

    /** The CSR's signature does not verify with its own key. */
    CSR_SIGNATURE_INVALID(HttpStatus.BAD_REQUEST, "Certificate request refused"),

    /** The CSR is signed with an algorithm not accepted. */
    CSR_SIGNATURE_ALGORITHM_NOT_ALLOWED(HttpStatus.BAD_REQUEST, "Certificate request refused"),

    /** The CSR's key type or size is not accepted. */
    CSR_KEY_NOT_ALLOWED(HttpStatus.BAD_REQUEST, "Certificate request refused"),

    /** A renewal with a certificate not issued to this device. */
    CERTIFICATE_UNKNOWN(HttpStatus.FORBIDDEN, "Certificate not known"),

    /** A renewal with a revoked certificate. */
    CERTIFICATE_REVOKED(HttpStatus.FORBIDDEN, "Certificate revoked"),

    /** A renewal with an expired certificate. */
    CERTIFICATE_EXPIRED(HttpStatus.FORBIDDEN, "Certificate expired"),

    /** A renewal by a decommissioned device. */
    DEVICE_REVOKED(HttpStatus.FORBIDDEN, "Device revoked"),

    /** A revocation reason that RFC 5280 does not name. */
    INVALID_REASON(HttpStatus.BAD_REQUEST, "Invalid revocation reason"),

    /** Invalid fields of a server certificate request (code {@code VALIDATION_FAILED}, own title). */
    SERVER_CERTIFICATE_REQUEST_INVALID("VALIDATION_FAILED", HttpStatus.BAD_REQUEST, "Invalid server certificate request"),

    /** Masterdata cannot say whether the customer is active; nothing was issued. */
    CUSTOMER_STATUS_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Customer status unavailable"),

    /** device-management could not register the device; no token was created. */
    DEVICE_REGISTRY_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Device registry unavailable"),

    /** The certificate authority failed; nothing was issued. */
    CA_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Certificate authority unavailable");

    private final String code;

    private final HttpStatus status;

    private final String title;

    OnboardingProblem(HttpStatus status, String title) {
        this(null, status, title);
    }

    OnboardingProblem(String code, HttpStatus status, String title) {
        this.code = code;
        this.status = status;
        this.title = title;
    }

    @Override
    public String code() {
        return code == null ? name() : code;
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
