package dev.edp.launcher;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads which applications are registered in Eureka. Health says a service is up;
 * registration says the others can reach it through the load-balanced clients, which is
 * what the user needs.
 */
final class EurekaApps {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI appsUrl;

    private final HttpReadiness http;

    private final Duration pollInterval;

    private final String authorization;

    /**
     * @param authorization the registry's client login as an {@code Authorization} header
     * value, or null for a registry that needs none
     */
    EurekaApps(URI eurekaUrl, HttpReadiness http, Duration pollInterval, String authorization) {
        this.appsUrl = eurekaUrl.resolve("apps");
        this.http = http;
        this.pollInterval = pollInterval;
        this.authorization = authorization;
    }

    /**
     * Waits until every name has an instance with status UP.
     * @param processes checked on every round, so a service dying meanwhile is reported
     * at once
     */
    void awaitRegistered(Collection<String> names, Collection<ManagedProcess> processes, Duration timeout)
            throws StartupException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> missing = new TreeSet<>(names);
        while (true) {
            for (ManagedProcess process : processes) {
                if (!process.isAlive()) {
                    throw new StartupException(process.name(),
                            "exited with code " + process.exitCode().orElse(-1)
                                    + " while waiting for Eureka registration",
                            process.logTail(HttpReadiness.LOG_LINES_ON_FAILURE));
                }
            }
            String json = http.getJson(appsUrl, authorization);
            if (json != null) {
                missing.removeAll(upApplications(json));
                if (missing.isEmpty()) {
                    return;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new StartupException(
                        "service-registry", "after " + timeout.toSeconds()
                                + " s these services are still not registered in Eureka: " + String.join(", ", missing),
                        List.of());
            }
            Thread.sleep(pollInterval);
        }
    }

    /**
     * Names of the applications in an {@code /eureka/apps} JSON body that have an
     * instance UP.
     */
    static Set<String> upApplications(String json) {
        JsonNode applications = JSON.readTree(json).path("applications").path("application");
        Set<String> up = new TreeSet<>();
        elements(applications).forEach(app -> {
            boolean anyUp = elements(app.path("instance")).anyMatch(i -> "UP".equals(i.path("status").asString("")));
            if (anyUp) {
                up.add(app.path("name").asString(""));
            }
        });
        return up;
    }

    // Eureka's JSON codecs have written a lone element as an object instead of a
    // one-element array.
    private static Stream<JsonNode> elements(JsonNode node) {
        if (node.isArray()) {
            return node.valueStream();
        }
        return node.isObject() ? Stream.of(node) : Stream.empty();
    }

}
