package dev.edp.devicemanagement.support;

import dev.edp.platform.problem.Problem;
import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem device-management answers with beyond the platform's own
 * ({@code NOT_FOUND}, the list and ETag problems of
 * {@link dev.edp.platform.web.WebProblem}, validation). The constant is the code; the
 * README's table lists them all ({@code DeviceManagementProblemCatalogueTests} keeps the
 * two equal).
 */
public enum DeviceManagementProblem implements ProblemType {

    /** A decommissioned device is changed or reports. */
    @Problem(status = HttpStatus.CONFLICT, title = "Device decommissioned")
    DEVICE_DECOMMISSIONED,

    /** A certificate names another customer than the registered device's. */
    @Problem(status = HttpStatus.CONFLICT, title = "Device of another customer")
    DEVICE_CUSTOMER_MISMATCH,

    /** A certificate's notAfter is not later than its notBefore. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid validity")
    INVALID_VALIDITY,

    /**
     * Onboarding could not revoke the device's certificates; the decommission rolled
     * back.
     */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Certificate revocation unavailable")
    CERTIFICATE_REVOCATION_UNAVAILABLE,

    /**
     * A direct move down out of STAGING or PRODUCTION; it needs an approved move request.
     */
    @Problem(status = HttpStatus.CONFLICT, title = "Move needs approval")
    MOVE_APPROVAL_REQUIRED,

    /** A move request for a move that needs no approval. */
    @Problem(status = HttpStatus.CONFLICT, title = "No approval needed")
    MOVE_APPROVAL_NOT_REQUIRED,

    /** The device changed after the move was requested. */
    @Problem(status = HttpStatus.CONFLICT, title = "Move request is stale")
    STALE_MOVE,

    /** A move request was already approved or rejected. */
    @Problem(status = HttpStatus.CONFLICT, title = "Already decided")
    MOVE_DECIDED,

    /** A release that nobody approved for STAGING or PRODUCTION on a device there. */
    @Problem(status = HttpStatus.CONFLICT, title = "Release not approved")
    RELEASE_NOT_APPROVED,

    /** The requester approves or rejects their own promotion or move. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "Four-eyes rule")
    SELF_APPROVAL,

    /** The customer has an application of that name. */
    @Problem(status = HttpStatus.CONFLICT, title = "Application name taken")
    APPLICATION_NAME_TAKEN,

    /** The customer has a release of that name. */
    @Problem(status = HttpStatus.CONFLICT, title = "Release name taken")
    RELEASE_NAME_TAKEN,

    /** A release container gives both or neither of tag and digest. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Tag or digest")
    IMAGE_TAG_OR_DIGEST,

    /** A release container names an application the customer does not have. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Unknown application")
    UNKNOWN_APPLICATION,

    /** STAGING or PRODUCTION pinned directly. */
    @Problem(status = HttpStatus.CONFLICT, title = "Promotion required")
    PROMOTION_REQUIRED,

    /** A promotion from an environment with no release pinned. */
    @Problem(status = HttpStatus.CONFLICT, title = "Nothing to promote")
    NOTHING_TO_PROMOTE,

    /** A rollback to a release never approved for the target. */
    @Problem(status = HttpStatus.CONFLICT, title = "Not a previous release")
    NOT_PREVIOUSLY_PINNED,

    /** The pin a promotion was based on changed since it was requested. */
    @Problem(status = HttpStatus.CONFLICT, title = "Promotion is stale")
    STALE_PROMOTION,

    /** A promotion was already approved or rejected. */
    @Problem(status = HttpStatus.CONFLICT, title = "Already decided")
    PROMOTION_DECIDED,

    /** A negative long-poll wait. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid wait")
    INVALID_WAIT,

    /** A rollout action its status does not allow (detail: "Rollout is STATUS"). */
    @Problem(status = HttpStatus.CONFLICT, title = "Rollout state")
    ROLLOUT_STATE,

    /**
     * The environment has an unfinished rollout: no second one, no direct pin, no
     * approval into it.
     */
    @Problem(status = HttpStatus.CONFLICT, title = "Rollout in progress")
    ROLLOUT_IN_PROGRESS,

    /** A rollback of a rollout that started without a pin to return to. */
    @Problem(status = HttpStatus.CONFLICT, title = "Nothing to roll back to")
    NOTHING_TO_ROLL_BACK_TO;

}
