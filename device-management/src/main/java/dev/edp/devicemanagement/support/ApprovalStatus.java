package dev.edp.devicemanagement.support;

/** Where a four-eyes request (a promotion, a device move) stands; stored by name. */
public enum ApprovalStatus {

    /** Waiting for someone other than the requester. */
    REQUESTED,
    /** Approved by someone other than the requester, and carried out. */
    APPROVED,
    /** Rejected by someone other than the requester. */
    REJECTED;

    /**
     * @return the status of a decision: approved or rejected
     */
    public static ApprovalStatus decided(boolean approve) {
        return approve ? APPROVED : REJECTED;
    }

}
