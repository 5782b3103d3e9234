package dev.edp.devicemanagement.support;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.KeysetQuery;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The four-eyes rule of promotions and device moves, in one place: a request names its
 * requester by token subject, someone else decides it, once. The database backs the rule
 * with a {@code CHECK} on both tables ({@code promotion_four_eyes},
 * {@code device_move_four_eyes}).
 */
public final class FourEyes {

    private FourEyes() {
    }

    /**
     * @param decider who approves or rejects
     * @param kind what the request is, as its problems name it ({@code "promotion"},
     * {@code "move"})
     * @param id the request
     * @param requestedBySubject the requester's token subject
     * @param status where the request stands
     * @param decided the problem of a request decided already
     * @throws dev.edp.platform.problem.EdpException 403 {@code SELF_APPROVAL} for the
     * requester, 409 {@code decided} for a decided request
     */
    public static void requireDecidable(Tenant decider, String kind, UUID id, String requestedBySubject,
            ApprovalStatus status, DeviceManagementProblem decided) {
        if (requestedBySubject.equals(decider.subject())) {
            throw DeviceManagementProblem.SELF_APPROVAL
                .exception("A " + kind + " must be approved or rejected by someone other than who requested it.");
        }
        if (status != ApprovalStatus.REQUESTED) {
            throw decided.exception(Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " " + id
                    + " was already " + status.name().toLowerCase(Locale.ROOT) + ".");
        }
    }

    /**
     * Stores a decision on a locked request row.
     * @param jdbc the database
     * @param table the requests' table ({@code promotion}, {@code device_move}), a name
     * in code
     * @param id the request
     * @param approve approved or rejected
     * @param decider who decided
     * @param at when
     * @param reason why, or null
     */
    public static void record(JdbcClient jdbc, String table, UUID id, boolean approve, Tenant decider, Instant at,
            String reason) {
        jdbc.sql("""
                UPDATE %s SET status = :status, decided_by = :by, decided_by_subject = :subject, decided_at = :at,
                              reason = :reason
                WHERE id = :id
                """.formatted(table))
            .param("id", id)
            .param("status", ApprovalStatus.decided(approve).name())
            .param("by", decider.actor())
            .param("subject", decider.subject())
            .param("at", KeysetQuery.timestamp(at))
            .param("reason", reason)
            .update();
    }

}
