package dev.edp.masterdata.support;

import dev.edp.platform.problem.Problem;
import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem masterdata answers with beyond the platform's own ({@code NOT_FOUND}, the
 * list and ETag problems of {@link dev.edp.platform.web.WebProblem}, validation). The
 * constant is the code; the README's table lists them all
 * ({@code MasterdataProblemCatalogueTests} keeps the two equal).
 */
public enum MasterdataProblem implements ProblemType {

    /** Another customer already has the code. */
    @Problem(status = HttpStatus.CONFLICT, title = "Customer code taken")
    CUSTOMER_CODE_TAKEN,

    /** A deactivated customer's data is changed (read is fine). */
    @Problem(status = HttpStatus.CONFLICT, title = "Customer deactivated")
    CUSTOMER_DEACTIVATED,

    /** A machine update names another customer. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Customer cannot change")
    CUSTOMER_CANNOT_CHANGE,

    /** The customer already has a machine with the serial number. */
    @Problem(status = HttpStatus.CONFLICT, title = "Serial number taken")
    MACHINE_SERIAL_TAKEN,

    /** Another user has the username. */
    @Problem(status = HttpStatus.CONFLICT, title = "Username taken")
    USERNAME_TAKEN,

    /** Another user has the e-mail address. */
    @Problem(status = HttpStatus.CONFLICT, title = "E-mail address taken")
    EMAIL_TAKEN,

    /** Keycloak refused the user's data. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "User refused by the identity provider")
    USER_REJECTED,

    /** Only a platform admin grants platform-admin. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "Role not grantable")
    ROLE_NOT_GRANTABLE,

    /** Only a platform admin changes a platform admin. */
    @Problem(status = HttpStatus.FORBIDDEN, title = "User not manageable")
    USER_NOT_MANAGEABLE,

    /** Nobody changes their own role or disables themselves. */
    @Problem(status = HttpStatus.CONFLICT, title = "Own account")
    OWN_ACCOUNT,

    /** Keycloak could not send the invitation e-mail; the user was removed again. */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Invitation not sent")
    INVITATION_NOT_SENT,

    /** Keycloak answered something unexpected. */
    @Problem(status = HttpStatus.BAD_GATEWAY, title = "Identity provider error")
    IDENTITY_PROVIDER_ERROR;

}
