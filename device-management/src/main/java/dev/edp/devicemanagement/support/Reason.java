package dev.edp.devicemanagement.support;

import jakarta.validation.constraints.Size;

/**
 * The body of a four-eyes decision (approving or rejecting a promotion or a device move)
 * and of an operator's action on a rollout; the body itself is optional too.
 *
 * @param reason why, optional
 */
public record Reason(@Size(max = 1000) String reason) {

    /**
     * @param body the request's body, or null without one
     * @return the reason it gives, or null
     */
    public static String of(Reason body) {
        return body == null ? null : body.reason();
    }

}
