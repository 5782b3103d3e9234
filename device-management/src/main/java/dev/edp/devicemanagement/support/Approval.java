package dev.edp.devicemanagement.support;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Where a four-eyes request (a promotion, a device move) stands, nested in the request as
 * {@link dev.edp.platform.audit.Stamp} is in a stored record; shown unwrapped, as the
 * members {@code status, requestedBy, requestedAt, decidedBy, decidedAt, reason} of the
 * request.
 *
 * @param status requested, approved or rejected
 * @param requestedBy who requested it (display name)
 * @param requestedAt when
 * @param decidedBy who approved or rejected it, or null while requested
 * @param decidedAt when, or null while requested
 * @param reason the decider's reason, or null
 */
public record Approval(ApprovalStatus status, String requestedBy, Instant requestedAt, String decidedBy,
        Instant decidedAt, String reason) {

    /**
     * @return a request nobody decided yet
     */
    public static Approval requested(String by, Instant at) {
        return new Approval(ApprovalStatus.REQUESTED, by, at, null, null, null);
    }

    /**
     * Reads the columns every four-eyes table has:
     * {@code status, requested_by, requested_at,
     * decided_by, decided_at, reason}.
     * @param row the current row
     * @return the approval stored in it
     * @throws SQLException when a column is missing
     */
    public static Approval read(ResultSet row) throws SQLException {
        return new Approval(ApprovalStatus.valueOf(row.getString("status")), row.getString("requested_by"),
                instant(row, "requested_at"), row.getString("decided_by"), instant(row, "decided_at"),
                row.getString("reason"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
