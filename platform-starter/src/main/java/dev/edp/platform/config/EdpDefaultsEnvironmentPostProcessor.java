package dev.edp.platform.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every EDP service the same defaults, at the lowest precedence so that a service's
 * {@code application.yml}, environment variables and command line all override them.
 * <p>
 * Environment variables understood here (what the launcher, docker-compose and Helm set):
 * <ul>
 * <li>{@code EDP_DB_URL}, {@code EDP_DB_USER}, {@code EDP_DB_PASSWORD}: the PostgreSQL server;</li>
 * <li>{@code EUREKA_URL}: the registry;</li>
 * <li>{@code EDP_LOG_FORMAT=json}: structured JSON (ECS) console logs, for Loki and friends.</li>
 * </ul>
 * A service names its database schema with {@code edp.db.schema}; Flyway creates and migrates
 * it and the connection pool works in it, so services never touch each other's tables.
 */
public class EdpDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "edpDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("spring.threads.virtual.enabled", "true");
        defaults.put("server.shutdown", "graceful");
        defaults.put("server.error.whitelabel.enabled", "false");
        defaults.put("spring.jackson.default-property-inclusion", "non_null");

        defaults.put("spring.datasource.url", "${EDP_DB_URL:jdbc:postgresql://localhost:5433/edp}");
        defaults.put("spring.datasource.username", "${EDP_DB_USER:postgres}");
        defaults.put("spring.datasource.password", "${EDP_DB_PASSWORD:}");
        String schema = environment.getProperty("edp.db.schema");
        if (schema != null && !schema.isBlank()) {
            defaults.put("spring.flyway.schemas", schema);
            defaults.put("spring.flyway.create-schemas", "true");
            defaults.put("spring.datasource.hikari.schema", schema);
        }

        defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus,metrics");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        defaults.put("management.endpoint.health.show-details", "always");
        defaults.put("management.info.build.enabled", "true");
        defaults.put("management.info.java.enabled", "true");

        defaults.put("eureka.client.service-url.defaultZone", "${EUREKA_URL:http://localhost:8761/eureka/}");
        defaults.put("eureka.client.registry-fetch-interval-seconds", "5");
        defaults.put("eureka.instance.prefer-ip-address", "true");
        defaults.put("eureka.instance.lease-renewal-interval-in-seconds", "10");
        defaults.put("eureka.instance.lease-expiration-duration-in-seconds", "30");
        defaults.put("eureka.instance.instance-id", "${spring.application.name}:${random.value}");
        defaults.put("spring.cloud.loadbalancer.cache.ttl", "5s");

        if ("json".equalsIgnoreCase(environment.getProperty("EDP_LOG_FORMAT", ""))) {
            defaults.put("logging.structured.format.console", "ecs");
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
}
