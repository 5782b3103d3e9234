package dev.edp.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One EDP service as the launcher sees it: where its jar is, where it answers, how to
 * tell it is ready and under which name it registers in Eureka. The ports are the
 * services' own defaults; the launcher does not set them, it only needs to know where to
 * look.
 *
 * @param name module name; also the jar ({@code <name>/target/<name>.jar}), log and pid
 * file name
 * @param url where the service answers (what the status table prints)
 * @param managementPort actuator port (plain HTTP)
 * @param eurekaName application name in Eureka, empty for the registry itself
 */
record ServiceSpec(String name, URI url, int managementPort, Optional<String> eurekaName) {

    /** Started first and alone: every other service registers with it. */
    static final ServiceSpec REGISTRY = new ServiceSpec("service-registry", URI.create("http://localhost:8761"), 9761,
            Optional.empty());

    /**
     * Started together once the registry is ready; they need the database and the
     * registry only.
     */
    static final List<ServiceSpec> APPLICATION_SERVICES = List.of(service("masterdata", 8081, 9081),
            service("onboarding", 8082, 9082), service("device-management", 8083, 9083),
            service("monitoring", 8084, 9084), service("portal-gateway", 8080, 9080), service("e3-proxy", 8443, 9443));

    /**
     * The platform's doors: the only services whose application port other machines may
     * reach.
     */
    static final Set<String> PUBLIC_FACING = Set.of("portal-gateway", "e3-proxy");

    /**
     * @return whether other machines may reach the application port (the gateway and E3)
     */
    boolean publicFacing() {
        return PUBLIC_FACING.contains(name);
    }

    /**
     * @return the portal gateway, the platform's front door
     */
    static ServiceSpec gateway() {
        return APPLICATION_SERVICES.stream()
            .filter(spec -> spec.name().equals("portal-gateway"))
            .findFirst()
            .orElseThrow();
    }

    static List<ServiceSpec> all() {
        return Stream.concat(Stream.of(REGISTRY), APPLICATION_SERVICES.stream()).toList();
    }

    private static ServiceSpec service(String name, int port, int managementPort) {
        return new ServiceSpec(name, URI.create("http://localhost:" + port), managementPort,
                Optional.of(name.toUpperCase(Locale.ROOT)));
    }

    /**
     * The same service with every port moved by an offset ({@code EDP_PORT_OFFSET}).
     * @param offset added to the application and management port
     * @return the moved service
     */
    ServiceSpec shifted(int offset) {
        if (offset == 0) {
            return this;
        }
        return new ServiceSpec(name, URI.create(url.getScheme() + "://localhost:" + (url.getPort() + offset)),
                managementPort + offset, eurekaName);
    }

    static List<ServiceSpec> applicationServices(int offset) {
        return APPLICATION_SERVICES.stream().map(spec -> spec.shifted(offset)).toList();
    }

    static List<ServiceSpec> all(int offset) {
        return all().stream().map(spec -> spec.shifted(offset)).toList();
    }

    Path jar(Path repositoryRoot) {
        return repositoryRoot.resolve(name).resolve("target").resolve(name + ".jar");
    }

    int port() {
        return url.getPort();
    }

    /** The overall health, for people and {@code ./edp status}. */
    URI healthUrl() {
        return URI.create("http://localhost:" + managementPort + "/actuator/health");
    }

    /**
     * Readiness rather than liveness: ready means the database is migrated and traffic is
     * welcome.
     */
    URI readinessUrl() {
        return URI.create("http://localhost:" + managementPort + "/actuator/health/readiness");
    }
}
