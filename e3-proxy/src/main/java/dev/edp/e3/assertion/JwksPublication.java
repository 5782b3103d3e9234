package dev.edp.e3.assertion;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Whether E3's JWKS ({@code /actuator/device-jwks}) is served yet. Boot starts the device
 * port before the separate management port, so for a moment at every start E3 could sign
 * assertions with a key no service can fetch: the service's refetch would fail, count
 * against its refetch interval, and the device would get
 * {@code 401 DEVICE_ASSERTION_INVALID}. Until the server that serves the JWKS has
 * started, E3 routes nothing: a request that arrives in that moment waits for it
 * ({@link #whenPublished(Duration)}), and only when the wait runs out is it refused (503,
 * see {@link DeviceAssertionGlobalFilter}).
 */
public final class JwksPublication implements ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(JwksPublication.class);

    private final ManagementPortType managementPort;

    private volatile boolean published;

    private final Sinks.Empty<Void> publishing = Sinks.empty();

    /**
     * @param environment E3's environment (where the management server runs)
     */
    public JwksPublication(Environment environment) {
        this.managementPort = ManagementPortType.get(environment);
        // Without a management server there is nothing to wait for (and nothing services
        // could fetch).
        this.published = managementPort == ManagementPortType.DISABLED;
        if (this.published) {
            this.publishing.tryEmitEmpty();
        }
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        String namespace = event.getApplicationContext().getServerNamespace();
        boolean servesJwks = managementPort == ManagementPortType.DIFFERENT ? "management".equals(namespace)
                : namespace == null;
        if (servesJwks && !published) {
            published = true;
            publishing.tryEmitEmpty();
            log.info("Device JWKS served on port {}: routing device requests", event.getWebServer().getPort());
        }
    }

    /**
     * @return whether services can fetch the keys E3 signs with
     */
    public boolean published() {
        return published;
    }

    /**
     * @param wait how long to wait for the keys to be served
     * @return {@code true} at once or as soon as the keys are served, {@code false} when
     * the wait ran out first
     */
    public Mono<Boolean> whenPublished(Duration wait) {
        if (published) {
            return Mono.just(true);
        }
        return publishing.asMono().thenReturn(true).timeout(wait, Mono.just(false));
    }

}
