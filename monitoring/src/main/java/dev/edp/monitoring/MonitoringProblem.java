package dev.edp.monitoring;

import dev.edp.platform.problem.Problem;
import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem monitoring answers with beyond the platform's own ({@code NOT_FOUND},
 * {@link dev.edp.platform.problem.PlatformProblem}, the list problems). The constant is
 * the code; the README's table lists them all ({@code MonitoringProblemCatalogueTests}
 * keeps the two equal).
 */
public enum MonitoringProblem implements ProblemType {

    /** Reports cannot be written and the outage buffer is full. */
    @Problem(status = HttpStatus.SERVICE_UNAVAILABLE, title = "Reports not taken")
    BUFFER_FULL,

    /** A heartbeat history range outside the years 1 to 9999, or empty. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid time range")
    INVALID_RANGE,

    /** A heartbeat history {@code limit} outside 1 to 10,080. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid limit")
    INVALID_LIMIT,

    /** A {@code connectivity} filter other than ONLINE or OFFLINE. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid connectivity")
    INVALID_CONNECTIVITY,

    /** An alert {@code state} filter other than OPEN or RESOLVED. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid state")
    INVALID_STATE,

    /** An alert {@code type} filter that names no alert type. */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Invalid alert type")
    INVALID_TYPE,

    /** An acknowledgement of a resolved alert. */
    @Problem(status = HttpStatus.CONFLICT, title = "Alert already resolved")
    ALERT_RESOLVED,

    /**
     * A webhook URL whose host is loopback, private, link-local, multicast or
     * carrier-grade NAT.
     */
    @Problem(status = HttpStatus.BAD_REQUEST, title = "Webhook target not allowed")
    WEBHOOK_TARGET_NOT_ALLOWED,

    /** A channel's test notification could not be delivered. */
    @Problem(status = HttpStatus.BAD_GATEWAY, title = "Test notification failed")
    CHANNEL_TEST_FAILED,

    /** A user opens more live event streams at once than allowed. */
    @Problem(status = HttpStatus.TOO_MANY_REQUESTS, title = "Too many streams")
    TOO_MANY_STREAMS;

}
