package dev.edp.platform.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.edp.platform.device.LongPoll;
import dev.edp.platform.security.EdpRoles;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every EDP service the same defaults, at the lowest precedence so that a service's
 * {@code application.yml}, environment variables and command line all override them.
 * <p>
 * Environment variables understood here (what the launcher, docker-compose and Helm set):
 * <ul>
 * <li>{@code EDP_DB_URL}, {@code EDP_DB_USER}, {@code EDP_DB_PASSWORD}: the PostgreSQL
 * server;</li>
 * <li>{@code EUREKA_URL}: the registry (comma-separated for several), and
 * {@code EDP_REGISTRY_USERNAME} (default {@code edp}) / {@code EDP_REGISTRY_PASSWORD}:
 * the HTTP Basic credentials every Eureka call needs (the properties
 * {@code edp.registry.username} / {@code edp.registry.password} work too);</li>
 * <li>{@code EDP_ISSUER_URI}: the Keycloak realm that issues access tokens;</li>
 * <li>{@code EDP_LOG_FORMAT=json}: structured JSON (ECS) console logs, for Loki and
 * friends.</li>
 * </ul>
 * A service names its database schema with {@code edp.db.schema}; Flyway creates and
 * migrates it and the connection pool works in it, so services never touch each other's
 * tables.
 */
public class EdpDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "edpDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        // Servlet services run request handling on virtual threads. Reactive ones
        // (gateway, E3) do not: with virtual threads on, Boot moves Reactor's
        // bounded-elastic scheduler onto them, and the gateway's token validation then
        // stalled every authenticated request (seen with Boot 4.0.7).
        if (application.getWebApplicationType() != WebApplicationType.REACTIVE) {
            defaults.put("spring.threads.virtual.enabled", "true");
        }
        defaults.put("server.shutdown", "graceful");
        defaults.put("server.error.whitelabel.enabled", "false");
        // Netty answers a longer request line with a bare 414 before any filter runs; 64
        // KB lets the input filter refuse over-long targets (edp.web.max-uri-length, 8
        // KB) with a problem instead.
        defaults.put("server.netty.max-initial-line-length", "64KB");
        // Never take the client address from X-Forwarded-For/Forwarded (Boot would on
        // Kubernetes): callers could set it. Behind E3 the address comes from E3's signed
        // assertion (CallerAddress).
        defaults.put("server.forward-headers-strategy", "none");
        defaults.put("spring.jackson.default-property-inclusion", "non_null");

        defaults.put("spring.datasource.url", "${EDP_DB_URL:jdbc:postgresql://localhost:5433/edp}");
        defaults.put("spring.datasource.username", "${EDP_DB_USER:postgres}");
        defaults.put("spring.datasource.password", "${EDP_DB_PASSWORD:}");
        addDatabaseTimeouts(defaults);
        // JavaMail waits forever by default: an SMTP server that accepts and never
        // answers would hold the sending thread (and its ShedLock lock) for good.
        for (String timeout : List.of("connectiontimeout", "timeout", "writetimeout")) {
            defaults.put("spring.mail.properties.mail.smtp." + timeout, "10000");
        }
        String schema = environment.getProperty("edp.db.schema");
        if (schema != null && !schema.isBlank()) {
            defaults.put("spring.flyway.schemas", schema);
            defaults.put("spring.flyway.create-schemas", "true");
            defaults.put("spring.datasource.hikari.schema", schema);
        }

        defaults.put("spring.security.oauth2.resourceserver.jwt.issuer-uri",
                "${EDP_ISSUER_URI:http://localhost:8180/realms/edp}");

        defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus,metrics");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        // Anonymous callers (probes, Prometheus, Spring Boot Admin) see the status only;
        // details and
        // components need a platform-service token
        // (EdpManagementSecurityAutoConfiguration).
        defaults.put("management.endpoint.health.show-details", "when-authorized");
        defaults.put("management.endpoint.health.roles", EdpRoles.SERVICE);
        defaults.put("management.info.build.enabled", "true");
        defaults.put("management.info.java.enabled", "true");
        // Spring Security's observations wrap every filter, authentication and
        // authorization of every request (EdpSecurityObservationAutoConfiguration);
        // http.server.requests measures requests.
        defaults.put("management.observations.enable.spring.security", "false");

        defaults.put("eureka.client.service-url.defaultZone", registryUrl(environment));
        defaults.put("eureka.client.registry-fetch-interval-seconds", "5");
        defaults.put("eureka.instance.prefer-ip-address", "true");
        defaults.put("eureka.instance.lease-renewal-interval-in-seconds", "10");
        defaults.put("eureka.instance.lease-expiration-duration-in-seconds", "30");
        defaults.put("eureka.instance.instance-id", "${spring.application.name}:${random.value}");
        defaults.put("spring.cloud.loadbalancer.cache.ttl", "5s");

        if (isPresent("org.springframework.cloud.gateway.route.RouteLocator")) {
            addGatewayDefaults(defaults);
        }
        if ("json".equalsIgnoreCase(environment.getProperty("EDP_LOG_FORMAT", ""))) {
            defaults.put("logging.structured.format.console", "ecs");
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
        environment.getPropertySources().addLast(LongPoll.derivedProperties(environment));
    }

    /**
     * Short, explicit timeouts on every connection to PostgreSQL, so that a database
     * fault is a fast 503 {@code DATABASE_UNAVAILABLE} (starter's problem handling) and
     * never a request that hangs:
     * <ul>
     * <li>a connection from the pool within 2 s ({@code connection-timeout}; Hikari's
     * default is 30 s), a pooled connection checked within 1 s
     * ({@code validation-timeout});</li>
     * <li>TCP connect 2 s, login 3 s;</li>
     * <li>a statement ends after 15 s and a lock wait after 5 s on the server
     * ({@code options}); a statement that needs longer sets
     * {@code SET LOCAL statement_timeout} in its transaction (never plain {@code SET}:
     * the connection goes back to the pool);</li>
     * <li>no answer on an open connection for 20 s ({@code socketTimeout}, above the
     * statement timeout): the server is frozen or the network gone, the connection is
     * dropped.</li>
     * </ul>
     * At start, the pool's first connection (Flyway's, in every service with a database)
     * is tried again for up to 60 s ({@code initialization-fail-timeout}; Hikari's
     * default tries once): a PostgreSQL that is still starting or slow to answer under
     * load delays the start instead of ending the service. The price: a wrong database
     * name or password also ends the start only after those 60 s, with the driver's
     * message.
     * <p>
     * A service overrides any of them under {@code spring.datasource.hikari.*}.
     */
    private static void addDatabaseTimeouts(Map<String, Object> defaults) {
        defaults.put("spring.datasource.hikari.connection-timeout", "2000");
        defaults.put("spring.datasource.hikari.initialization-fail-timeout", "60000");
        defaults.put("spring.datasource.hikari.validation-timeout", "1000");
        String driver = "spring.datasource.hikari.data-source-properties.";
        defaults.put(driver + "connectTimeout", "2");
        defaults.put(driver + "loginTimeout", "3");
        defaults.put(driver + "socketTimeout", "20");
        defaults.put(driver + "tcpKeepAlive", "true");
        defaults.put(driver + "options", "-c statement_timeout=15s -c lock_timeout=5s");
    }

    /**
     * The registry's URL with the registry credentials as user info, which Spring Cloud's
     * Eureka client turns into an HTTP Basic header on every call (and strips from the
     * URL it calls). Built here rather than with placeholders so that user name and
     * password are percent-encoded. Without a password the URL stays as it is: the
     * registry then refuses the client (401), which its log names.
     */
    static String registryUrl(ConfigurableEnvironment environment) {
        String urls = environment.getProperty("EUREKA_URL");
        if (urls == null || urls.isBlank()) {
            urls = environment.getProperty("edp.registry.url", "http://localhost:8761/eureka/");
        }
        String username = environment.getProperty("edp.registry.username", "edp");
        String password = environment.getProperty("edp.registry.password", "");
        if (password.isEmpty()) {
            return urls;
        }
        if (username.contains(":") || password.contains(":")) {
            // Spring Cloud splits the URL's user info at every colon and sends nothing
            // when it finds two.
            throw new IllegalStateException("edp.registry.username and edp.registry.password (EDP_REGISTRY_USERNAME,"
                    + " EDP_REGISTRY_PASSWORD) must not contain ':'");
        }
        String userInfo = encode(username) + ":" + encode(password) + "@";
        return Arrays.stream(urls.split(",")).map(String::trim).map(url -> {
            int start = url.indexOf("://");
            boolean hasUserInfo = start >= 0 && url.substring(start + 3).split("/", 2)[0].contains("@");
            return start < 0 || hasUserInfo ? url : url.substring(0, start + 3) + userInfo + url.substring(start + 3);
        }).collect(Collectors.joining(","));
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters. */
    private static String encode(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                encoded.append(c);
            }
            else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    /**
     * portal-gateway and e3-proxy: every route gets a circuit breaker named after the
     * route, whose fallback answers 503/504 problem+json, a retry of idempotent requests
     * when the connection failed or the instance answered 503 without {@code Retry-After}
     * ({@link dev.edp.platform.gateway.EdpRetryGatewayFilterFactory}), and a retry of
     * every other request when no connection could be made (refused or timed out
     * connecting): nothing was sent, so nothing can happen twice, and the load balancer's
     * next pick is another instance. That is what sends traffic to the surviving instance
     * within the moment after one was killed, long before the registry evicts the dead
     * one. The response timeout sits above the devices' 30 s long-poll and below the
     * circuit breaker's time limit ({@code edp.gateway.time-limit}).
     */
    private static void addGatewayDefaults(Map<String, Object> defaults) {
        String gateway = "spring.cloud.gateway.server.webflux.";
        defaults.put(gateway + "httpclient.connect-timeout", "2000");
        defaults.put(gateway + "httpclient.response-timeout", "35s");
        // EdpCircuitBreaker: the standard breaker, except on routes marked long-lived
        // (see its Javadoc).
        defaults.put(gateway + "default-filters[0].name", "EdpCircuitBreaker");
        // No hidden second bound: Spring Cloud CircuitBreaker wraps every breaker in a
        // Resilience4j bulkhead of 25 concurrent calls unless told otherwise, and its
        // refusals count as failures that open the breaker. A gateway's bounds are its
        // own, explicit ones (E3: edp.e3.in-flight.*).
        defaults.put("spring.cloud.circuitbreaker.bulkhead.resilience4j.enabled", "false");
        defaults.put(gateway + "default-filters[0].args.fallbackUri", "forward:/fallback");
        defaults.put(gateway + "default-filters[1].name", "EdpRetry");
        defaults.put(gateway + "default-filters[1].args.retries", "2");
        defaults.put(gateway + "default-filters[1].args.methods", "GET,HEAD,OPTIONS");
        defaults.put(gateway + "default-filters[1].args.series", "");
        defaults.put(gateway + "default-filters[1].args.statuses", "SERVICE_UNAVAILABLE");
        defaults.put(gateway + "default-filters[1].args.exceptions", "java.io.IOException");
        defaults.put(gateway + "default-filters[1].args.backoff.firstBackoff", "100ms");
        defaults.put(gateway + "default-filters[1].args.backoff.maxBackoff", "500ms");
        defaults.put(gateway + "default-filters[1].args.backoff.factor", "2");
        defaults.put(gateway + "default-filters[1].args.backoff.basedOnPreviousValue", "false");
        defaults.put(gateway + "default-filters[2].name", "Retry");
        defaults.put(gateway + "default-filters[2].args.retries", "2");
        defaults.put(gateway + "default-filters[2].args.methods", "POST,PUT,PATCH,DELETE");
        defaults.put(gateway + "default-filters[2].args.series", "");
        defaults.put(gateway + "default-filters[2].args.exceptions", "java.net.ConnectException");
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, EdpDefaultsEnvironmentPostProcessor.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException | LinkageError ex) {
            return false;
        }
    }

}
