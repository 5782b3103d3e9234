package dev.edp.devicemanagement.support;

import dev.edp.platform.problem.EdpException;

import org.springframework.http.HttpStatus;

/** The 404 problem, worded like {@link dev.edp.platform.security.Tenant}'s, so that "not yours" and "not there" look alike. */
public final class NotFound {

    private NotFound() {
    }

    /**
     * @param what what was asked for, e.g. {@code "Machine 42"}
     * @return the problem
     */
    public static EdpException of(String what) {
        return new EdpException(HttpStatus.NOT_FOUND, "NOT_FOUND", "Not found", what + " was not found.");
    }
}
