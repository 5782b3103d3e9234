package dev.edp.monitoring.health;

import java.time.Instant;

/**
 * Published (as a Spring application event, on the replica that holds the checker's lock)
 * when a checked service instance changes between up and down.
 *
 * @param service the service (registry name, or the configured name of an extra URL)
 * @param instance the instance id
 * @param url the health URL that was checked
 * @param up whether it is healthy now
 * @param detail why, for people (status code, timeout, ...)
 * @param at when the change was seen
 */
public record ServiceHealthChanged(String service, String instance, String url, boolean up, String detail, Instant at) {
}
