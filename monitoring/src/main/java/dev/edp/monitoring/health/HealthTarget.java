package dev.edp.monitoring.health;

/**
 * One health URL to check.
 *
 * @param service registry name, or the configured name of an extra URL
 * @param instance the registry's instance id (the URL's host:port for extra URLs)
 * @param url the health URL
 */
record HealthTarget(String service, String instance, String url) {
}
