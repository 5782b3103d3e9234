package dev.edp.platform.openapi;

import java.util.ArrayList;
import java.util.List;

import dev.edp.platform.config.ServiceProperties;
import dev.edp.platform.device.DeviceProperties;
import dev.edp.platform.security.EdpSecurityProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.AntPathMatcher;

/**
 * Which of a servlet service's paths are for whom, by the same properties its security
 * uses: device paths ({@code edp.device.paths}, E3's signed device assertion), public
 * paths (the service's status, {@code edp.security.public-paths}), internal
 * service-to-service paths ({@value #INTERNAL}, role {@code platform-service}, never in a
 * public document) and operator paths (everything else: a Keycloak bearer token).
 */
public final class ApiPaths {

    /** Service-to-service endpoints; the portal gateway refuses them from outside. */
    public static final String INTERNAL = "/api/*/v1/internal/**";

    /** Who may call a path. */
    public enum Audience {

        /** Devices through E3: the device assertion E3 adds. */
        DEVICE,
        /** Anyone, no credentials. */
        PUBLIC,
        /** The platform's own services (role platform-service). */
        INTERNAL,
        /** Operators and API clients with a Keycloak access token. */
        OPERATOR

    }

    private static final AntPathMatcher MATCHER = new AntPathMatcher();

    private final List<String> devicePaths;

    private final List<String> publicPaths;

    private ApiPaths(List<String> devicePaths, List<String> publicPaths) {
        this.devicePaths = devicePaths;
        this.publicPaths = publicPaths;
    }

    /**
     * @param environment the service's environment
     * @return the classification the service's security configuration uses
     */
    public static ApiPaths of(Environment environment) {
        Binder binder = Binder.get(environment);
        return of(binder.bindOrCreate("edp.device", DeviceProperties.class),
                binder.bindOrCreate("edp.service", ServiceProperties.class), EdpSecurityProperties.of(environment));
    }

    /**
     * @param device the device paths
     * @param service the service's API prefix (its status is public)
     * @param security the other public paths
     * @return the classification the service's security configuration uses
     */
    public static ApiPaths of(DeviceProperties device, ServiceProperties service, EdpSecurityProperties security) {
        List<String> publicPaths = new ArrayList<>(security.publicPaths());
        if (service.statusPath() != null) {
            publicPaths.add(service.statusPath());
        }
        return new ApiPaths(device.paths(), List.copyOf(publicPaths));
    }

    /**
     * @param path a path as an OpenAPI document or a request mapping writes it
     * ({@code /a/{id}})
     * @return who may call it; device paths win over public ones, as the device filter
     * chain runs first
     */
    public Audience audience(String path) {
        if (devicePaths.stream().anyMatch(pattern -> MATCHER.match(pattern, path))) {
            return Audience.DEVICE;
        }
        if (MATCHER.match(INTERNAL, path)) {
            return Audience.INTERNAL;
        }
        if (publicPaths.stream().anyMatch(pattern -> MATCHER.match(pattern, path))) {
            return Audience.PUBLIC;
        }
        return Audience.OPERATOR;
    }

}
