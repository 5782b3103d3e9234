package dev.edp.platform.gateway;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Instances that refused a connection a moment ago, by address. A killed instance stays
 * in the registry until its lease expires (30 s); until then the load balancer would keep
 * picking it, and because its round-robin position moves with every other request, a
 * retry may pick it again and again. {@link SkipRefusedInstances} leaves such an instance
 * out for {@link #DEFAULT_WINDOW}, which {@link RefusedConnectionRecorder} starts at
 * every refused connection.
 */
public final class RefusedInstances {

    /** How long an instance that refused a connection is left out. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(15);

    private final Map<String, Instant> refusedAt = new ConcurrentHashMap<>();

    private final Clock clock;

    private final Duration window;

    /**
     * @param clock the time of refusals and of the window's end
     * @param window how long an instance is left out after its last refusal
     */
    public RefusedInstances(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    /**
     * @param host the address a connection to which was refused
     * @param port its port
     */
    public void refused(String host, int port) {
        refusedAt.put(key(host, port), clock.instant());
    }

    /**
     * @return whether any instance refused a connection and is not yet forgotten (checked
     * for every routed request: without refusals the instances pass untouched)
     */
    public boolean any() {
        return !refusedAt.isEmpty();
    }

    /**
     * @param instance an instance of a service
     * @return whether it refused a connection within the window
     */
    public boolean recentlyRefused(ServiceInstance instance) {
        String key = key(instance.getHost(), instance.getPort());
        Instant at = refusedAt.get(key);
        if (at == null) {
            return false;
        }
        if (clock.instant().isBefore(at.plus(window))) {
            return true;
        }
        refusedAt.remove(key, at);
        return false;
    }

    /**
     * @param failure a routed call's failure
     * @return whether no connection could be made because the address refused it (nothing
     * was sent)
     */
    static boolean isRefusedConnection(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static String key(String host, int port) {
        return host + ":" + port;
    }

}
