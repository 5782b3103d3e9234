package dev.edp.monitoring;

import dev.edp.platform.problem.ProblemType;

import org.springframework.http.HttpStatus;

/**
 * Every problem monitoring answers with beyond the platform's own ({@code NOT_FOUND},
 * {@link dev.edp.platform.problem.PlatformProblem}, the list problems). The constant is the code;
 * the README's table lists them all ({@code MonitoringProblemCatalogueTests} keeps the two equal).
 */
public enum MonitoringProblem implements ProblemType {

    /** Reports cannot be written and the outage buffer is full. */
    BUFFER_FULL(HttpStatus.SERVICE_UNAVAILABLE, "Reports not taken"),

    /** A heartbeat history range outside the years 1 to 9999, or empty. */
    INVALID_RANGE(HttpStatus.BAD_REQUEST, "Invalid time range"),

    /** A heartbeat history {@code limit} outside 1 to 10,080. */
    INVALID_LIMIT(HttpStatus.BAD_REQUEST, "Invalid limit"),

    /** A {@code connectivity} filter other than ONLINE or OFFLINE. */
    INVALID_CONNECTIVITY(HttpStatus.BAD_REQUEST, "Invalid connectivity"),

    /** An alert {@code state} filter other than OPEN or RESOLVED. */
    INVALID_STATE(HttpStatus.BAD_REQUEST, "Invalid state"),

    /** An alert {@code type} filter that names no alert type. */
    INVALID_TYPE(HttpStatus.BAD_REQUEST, "Invalid alert type"),

    /** An acknowledgement of a resolved alert. */
    ALERT_RESOLVED(HttpStatus.CONFLICT, "Alert already resolved"),

    /** A webhook URL whose host is loopback, private, link-local, multicast or carrier-grade NAT. */
    WEBHOOK_TARGET_NOT_ALLOWED(HttpStatus.BAD_REQUEST, "Webhook target not allowed"),

    /** A channel's test notification could not be delivered. */
    CHANNEL_TEST_FAILED(HttpStatus.BAD_GATEWAY, "Test notification failed"),

    /** A user opens more live event streams at once than allowed. */
    TOO_MANY_STREAMS(HttpStatus.TOO_MANY_REQUESTS, "Too many streams");

    private final HttpStatus status;

    private final String title;

    MonitoringProblem(HttpStatus status, String title) {
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
