package dev.edp.gateway.session;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.session.*}: the portal's browser session (expired rows are deleted every
 * {@code edp.session.cleanup-interval}, default 5 min).
 *
 * @param maxInactive how long a session lives without a request (default 30 min)
 * @param secureCookie whether the session cookie is sent over HTTPS only (default false:
 * the local platform serves plain HTTP; set it wherever TLS ends in front of the gateway)
 */
@ConfigurationProperties("edp.session")
public record SessionProperties(Duration maxInactive, boolean secureCookie) {

    /** Fills in the default. */
    public SessionProperties {
        maxInactive = maxInactive == null ? Duration.ofMinutes(30) : maxInactive;
    }
}
