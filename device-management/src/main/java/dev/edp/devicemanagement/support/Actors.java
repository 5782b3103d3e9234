package dev.edp.devicemanagement.support;

import dev.edp.platform.security.Tenant;

/** How a caller appears in {@code created_by}/{@code updated_by} columns. */
public final class Actors {

    private Actors() {
    }

    /**
     * @param tenant the caller
     * @return its user name, or its subject when the token has none
     */
    public static String of(Tenant tenant) {
        return tenant.username() == null ? tenant.subject() : tenant.username();
    }
}
