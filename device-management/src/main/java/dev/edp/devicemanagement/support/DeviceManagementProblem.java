package dev.edp.devicemanagement.support;

import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem device-management answers with beyond the platform's own ({@code NOT_FOUND}, the
 * list and ETag problems of {@link dev.edp.platform.web.WebProblem}, validation). The constant is
 * the code; the README's table lists them all ({@code DeviceManagementProblemCatalogueTests} keeps
 * the two equal).
 */
public enum DeviceManagementProblem implements ProblemType {

    /** A decommissioned device is changed or reports. */
    DEVICE_DECOMMISSIONED(HttpStatus.CONFLICT, "Device decommissioned"),

    /** A certificate names another customer than the registered device's. */
    DEVICE_CUSTOMER_MISMATCH(HttpStatus.CONFLICT, "Device of another customer"),

    /** A certificate's notAfter is not later than its notBefore. */
    INVALID_VALIDITY(HttpStatus.BAD_REQUEST, "Invalid validity"),

    /** Onboarding could not revoke the device's certificates; the decommission rolled back. */
    CERTIFICATE_REVOCATION_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Certificate revocation unavailable"),

    /** A direct move down out of STAGING or PRODUCTION; it needs an approved move request. */
    MOVE_APPROVAL_REQUIRED(HttpStatus.CONFLICT, "Move needs approval"),

    /** A move request for a move that needs no approval. */
    MOVE_APPROVAL_NOT_REQUIRED(HttpStatus.CONFLICT, "No approval needed"),

    /** The device changed after the move was requested. */
    STALE_MOVE(HttpStatus.CONFLICT, "Move request is stale"),

    /** A move request was already approved or rejected. */
    MOVE_DECIDED(HttpStatus.CONFLICT, "Already decided"),

    /** A release that nobody approved for STAGING or PRODUCTION on a device there. */
    RELEASE_NOT_APPROVED(HttpStatus.CONFLICT, "Release not approved"),

    /** The requester approves or rejects their own promotion or move. */
    SELF_APPROVAL(HttpStatus.FORBIDDEN, "Four-eyes rule"),

    /** The customer has an application of that name. */
    APPLICATION_NAME_TAKEN(HttpStatus.CONFLICT, "Application name taken"),

    /** The customer has a release of that name. */
    RELEASE_NAME_TAKEN(HttpStatus.CONFLICT, "Release name taken"),

    /** A release container gives both or neither of tag and digest. */
    IMAGE_TAG_OR_DIGEST(HttpStatus.BAD_REQUEST, "Tag or digest"),

    /** A release container names an application the customer does not have. */
    UNKNOWN_APPLICATION(HttpStatus.BAD_REQUEST, "Unknown application"),

    /** STAGING or PRODUCTION pinned directly. */
    PROMOTION_REQUIRED(HttpStatus.CONFLICT, "Promotion required"),

    /** A promotion from an environment with no release pinned. */
    NOTHING_TO_PROMOTE(HttpStatus.CONFLICT, "Nothing to promote"),

    /** A rollback to a release never approved for the target. */
    NOT_PREVIOUSLY_PINNED(HttpStatus.CONFLICT, "Not a previous release"),

    /** The pin a promotion was based on changed since it was requested. */
    STALE_PROMOTION(HttpStatus.CONFLICT, "Promotion is stale"),

    /** A promotion was already approved or rejected. */
    PROMOTION_DECIDED(HttpStatus.CONFLICT, "Already decided"),

    /** A negative long-poll wait. */
    INVALID_WAIT(HttpStatus.BAD_REQUEST, "Invalid wait");

    private final HttpStatus status;

    private final String title;

    DeviceManagementProblem(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
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
