package dev.edp.monitoring.health;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code edp.monitoring.health.*}: the platform service health checker.
 *
 * @param interval how often one replica (ShedLock) checks every instance
 * @param timeout per health request (connect and response)
 * @param sampleEvery besides transitions, one history row per instance this often
 * @param retention history rows older than this are deleted
 * @param forgetAfter an instance that left the registry is dropped from the overview
 * after this long
 * @param managementPortOffset actuator port = registered port + this, when the registry
 * does not announce {@code management.port}
 * @param extra further health URLs to check (Keycloak, ...), each with a name
 */
@ConfigurationProperties("edp.monitoring.health")
record HealthProperties(@DefaultValue("10s") Duration interval, @DefaultValue("2s") Duration timeout,
        @DefaultValue("15m") Duration sampleEvery, @DefaultValue("30d") Duration retention,
        @DefaultValue("10m") Duration forgetAfter, @DefaultValue("1000") int managementPortOffset,
        @DefaultValue List<Extra> extra) {

    /**
     * @param name the service name shown in the overview and alerts
     * @param url its health URL (200 with {@code "status":"UP"}, or any 2xx without a
     * JSON status, is up)
     */
    record Extra(String name, String url) {
    }
}
