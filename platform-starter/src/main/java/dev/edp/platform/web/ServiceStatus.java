package dev.edp.platform.web;

import java.time.Instant;

/**
 * What {@code GET <api-prefix>/v1/status} answers: a cheap "is this service reachable
 * through the gateway" check that needs no database and reveals nothing sensitive.
 *
 * @param service the application name
 * @param version the build version
 * @param status always {@code UP} when the service can answer at all
 * @param time the service's clock
 */
public record ServiceStatus(String service, String version, String status, Instant time) {
}
