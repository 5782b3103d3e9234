package dev.edp.monitoring.health;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.stereotype.Component;

/**
 * What the checker polls: every instance in the registry plus
 * {@code edp.monitoring.health.extra}.
 * <p>
 * The actuator of an EDP service listens on its management port. Spring Cloud's Eureka
 * client announces it as instance metadata {@code management.port} whenever it differs
 * from the application port (which it always does for EDP services: the launcher and the
 * starter set {@code management.server.port}); Spring Boot Admin reads the same key.
 * Instances that do not announce it (another discovery client, an old client) are assumed
 * to follow the platform's port plan, application port + {@code management-port-offset}
 * (1000: 8084 → 9084).
 */
@Component
class HealthTargets {

    static final String MANAGEMENT_PORT = "management.port";
    static final String MANAGEMENT_CONTEXT_PATH = "management.context-path";

    private final ObjectProvider<DiscoveryClient> discovery;

    private final HealthProperties properties;

    HealthTargets(ObjectProvider<DiscoveryClient> discovery, HealthProperties properties) {
        this.discovery = discovery;
        this.properties = properties;
    }

    List<HealthTarget> all() {
        List<HealthTarget> targets = new ArrayList<>();
        DiscoveryClient client = discovery.getIfAvailable();
        if (client != null) {
            for (String service : client.getServices()) {
                for (ServiceInstance instance : client.getInstances(service)) {
                    targets.add(of(service, instance));
                }
            }
        }
        for (HealthProperties.Extra extra : properties.extra()) {
            of(extra).ifPresent(targets::add);
        }
        return targets;
    }

    /**
     * An extra URL's target, named by the configured name, its instance the URL's host
     * and port. An empty URL means "not configured" (e.g.
     * {@code EDP_KEYCLOAK_HEALTH_URL=""}, or a chart without Keycloak's health URL) and
     * is no target: it used to become {@code null:80}, always down. A URL that is not
     * absolute http(s) with a host stays a target under its own text, so the overview
     * shows it down with the reason instead of hiding the mistake.
     */
    static Optional<HealthTarget> of(HealthProperties.Extra extra) {
        String url = extra.url() == null ? "" : extra.url().strip();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String name = extra.name() == null || extra.name().isBlank() ? "extra" : extra.name().strip();
        URI uri;
        try {
            uri = new URI(url);
        }
        catch (URISyntaxException ex) {
            return Optional.of(new HealthTarget(name, url, url));
        }
        boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
        if (!http || uri.getHost() == null) {
            return Optional.of(new HealthTarget(name, url, url));
        }
        return Optional.of(new HealthTarget(name, host(uri.getHost()) + ":" + port(uri), url));
    }

    HealthTarget of(String service, ServiceInstance instance) {
        String announced = instance.getMetadata().get(MANAGEMENT_PORT);
        int port = announced != null && announced.matches("\\d{1,5}") ? Integer.parseInt(announced)
                : instance.getPort() + properties.managementPortOffset();
        String contextPath = instance.getMetadata().getOrDefault(MANAGEMENT_CONTEXT_PATH, "");
        if (contextPath.endsWith("/")) {
            contextPath = contextPath.substring(0, contextPath.length() - 1);
        }
        String id = instance.getInstanceId() != null ? instance.getInstanceId()
                : instance.getHost() + ":" + instance.getPort();
        return new HealthTarget(service.toLowerCase(), id,
                "http://" + host(instance.getHost()) + ":" + port + contextPath + "/actuator/health");
    }

    private static String host(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

}
