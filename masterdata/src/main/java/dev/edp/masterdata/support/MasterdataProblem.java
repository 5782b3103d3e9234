package dev.edp.masterdata.support;

import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem masterdata answers with beyond the platform's own ({@code NOT_FOUND}, the list and
 * ETag problems of {@link dev.edp.platform.web.WebProblem}, validation). The constant is the code;
 * the README's table lists them all ({@code MasterdataProblemCatalogueTests} keeps the two equal).
 */
public enum MasterdataProblem implements ProblemType {

    /** Another customer already has the code. */
    CUSTOMER_CODE_TAKEN(HttpStatus.CONFLICT, "Customer code taken"),

    /** A deactivated customer's data is changed (read is fine). */
    CUSTOMER_DEACTIVATED(HttpStatus.CONFLICT, "Customer deactivated"),

    /** A machine update names another customer. */
    CUSTOMER_CANNOT_CHANGE(HttpStatus.BAD_REQUEST, "Customer cannot change"),

    /** The customer already has a machine with the serial number. */
    MACHINE_SERIAL_TAKEN(HttpStatus.CONFLICT, "Serial number taken"),

    /** Another user has the username. */
    USERNAME_TAKEN(HttpStatus.CONFLICT, "Username taken"),

    /** Another user has the e-mail address. */
    EMAIL_TAKEN(HttpStatus.CONFLICT, "E-mail address taken"),

    /** Keycloak refused the user's data. */
    USER_REJECTED(HttpStatus.BAD_REQUEST, "User refused by the identity provider"),

    /** Only a platform admin grants platform-admin. */
    ROLE_NOT_GRANTABLE(HttpStatus.FORBIDDEN, "Role not grantable"),

    /** Only a platform admin changes a platform admin. */
    USER_NOT_MANAGEABLE(HttpStatus.FORBIDDEN, "User not manageable"),

    /** Nobody changes their own role or disables themselves. */
    OWN_ACCOUNT(HttpStatus.CONFLICT, "Own account"),

    /** Keycloak could not send the invitation e-mail; the user was removed again. */
    INVITATION_NOT_SENT(HttpStatus.SERVICE_UNAVAILABLE, "Invitation not sent"),

    /** Keycloak cannot be reached, refuses masterdata's client, or user management is not configured. */
    IDENTITY_PROVIDER_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Identity provider unavailable"),

    /** Keycloak answered something unexpected. */
    IDENTITY_PROVIDER_ERROR(HttpStatus.BAD_GATEWAY, "Identity provider error");

    private final HttpStatus status;

    private final String title;

    MasterdataProblem(HttpStatus status, String title) {
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
