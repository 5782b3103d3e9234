package dev.edp.launcher;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the environment can change about a launch. Read from a map so tests need not touch
 * the real environment.
 *
 * @param externalDatabase set when {@code EDP_DB_URL} points at a PostgreSQL of the
 * user's own
 * @param postgresPort port of the embedded PostgreSQL ({@code EDP_PG_PORT})
 * @param startTimeout how long one service may take to become ready
 * ({@code EDP_START_TIMEOUT}, seconds)
 * @param serviceJavaOptions JVM options of every service ({@code EDP_SERVICE_JAVA_OPTS})
 * @param portOffset added to every port (services, Keycloak, embedded PostgreSQL), so a
 * second platform (the system tests) can run beside a developer's
 * ({@code EDP_PORT_OFFSET})
 * @param bind which addresses the processes listen on
 */
record LauncherSettings(Optional<DatabaseCoordinates> externalDatabase, int postgresPort, Duration startTimeout,
        List<String> serviceJavaOptions, int portOffset, BindAddresses bind) {

    /**
     * Where the platform listens. Only the two doors meant for the outside, the portal
     * gateway (people, API clients) and E3 (devices), listen on every interface by
     * default; the registry, every application and management port, PostgreSQL and
     * Keycloak listen on loopback only. Each value is an IPv4 loopback address or a
     * wildcard: the launcher, the services and the simulator reach everything through
     * {@code localhost}.
     *
     * @param internal {@code EDP_BIND_ADDRESS} (default {@value #LOOPBACK}): registry,
     * services' application and management ports, embedded PostgreSQL, Keycloak's
     * management port
     * @param publicFacing {@code EDP_PUBLIC_BIND_ADDRESS} (default {@value #EVERYWHERE}):
     * the gateway's and E3's application ports
     * @param keycloak {@code EDP_KEYCLOAK_BIND_ADDRESS} (default: the internal one):
     * Keycloak's HTTP port (login pages, tokens, admin console), for browsers on other
     * machines
     */
    record BindAddresses(String internal, String publicFacing, String keycloak) {

        static final String LOOPBACK = "127.0.0.1";

        static final String EVERYWHERE = "0.0.0.0";

        static final BindAddresses DEFAULT = new BindAddresses(LOOPBACK, EVERYWHERE, LOOPBACK);

        BindAddresses {
            internal = checked("EDP_BIND_ADDRESS", internal);
            publicFacing = checked("EDP_PUBLIC_BIND_ADDRESS", publicFacing);
            keycloak = checked("EDP_KEYCLOAK_BIND_ADDRESS", keycloak);
        }

        /**
         * The address services register in Eureka, which the others call: the internal
         * address when it is a loopback one, else {@value #LOOPBACK}.
         */
        String advertised() {
            return InetAddress.ofLiteral(internal).isLoopbackAddress() ? internal : LOOPBACK;
        }

        private static String checked(String name, String value) {
            InetAddress address;
            try {
                address = InetAddress.ofLiteral(value.trim());
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(name + " must be an IP address, but is '" + value + "'");
            }
            boolean ipv4Loopback = address instanceof Inet4Address && address.isLoopbackAddress();
            if (!ipv4Loopback && !address.isAnyLocalAddress()) {
                throw new IllegalArgumentException(name + " must be an IPv4 loopback address (127.0.0.1) or a"
                        + " wildcard (0.0.0.0, ::), but is '" + value
                        + "': the platform reaches itself through localhost");
            }
            return value.trim();
        }
    }

    /** Settings with the default bind addresses. */
    LauncherSettings(Optional<DatabaseCoordinates> externalDatabase, int postgresPort, Duration startTimeout,
            List<String> serviceJavaOptions, int portOffset) {
        this(externalDatabase, postgresPort, startTimeout, serviceJavaOptions, portOffset, BindAddresses.DEFAULT);
    }

    /*
     * Measured on the 2-core reference machine, seven services starting together (while
     * another build ran): these options brought ./edp up from 56-65 s (JVM defaults: G1,
     * C2, same heap) to 31-36 s. The serial collector and C1 alone leave the two cores to
     * the services' startup work instead of GC and C2 compiler threads; 320 MB heap is
     * ample for a developer's platform. A service out of heap exits, as under Helm,
     * rather than staying up answering nothing (device-management did with 10,000 parked
     * long-polls in a 768 MB heap); the launcher then warns that it exited.
     */
    static final List<String> DEFAULT_SERVICE_JAVA_OPTIONS = List.of("-Xmx320m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:+ExitOnOutOfMemoryError");

    static final int DEFAULT_POSTGRES_PORT = 5433;

    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(180);

    static LauncherSettings fromEnvironment(Map<String, String> env) {
        Optional<DatabaseCoordinates> external = value(env, "EDP_DB_URL").map(url -> new DatabaseCoordinates(url,
                env.getOrDefault("EDP_DB_USER", ""), env.getOrDefault("EDP_DB_PASSWORD", "")));
        int port = value(env, "EDP_PG_PORT").map(v -> parseInt("EDP_PG_PORT", v)).orElse(DEFAULT_POSTGRES_PORT);
        Duration timeout = value(env, "EDP_START_TIMEOUT")
            .map(v -> Duration.ofSeconds(parseInt("EDP_START_TIMEOUT", v)))
            .orElse(DEFAULT_START_TIMEOUT);
        List<String> javaOptions = value(env, "EDP_SERVICE_JAVA_OPTS")
            .map(v -> Arrays.stream(v.trim().split("\\s+")).toList())
            .orElse(DEFAULT_SERVICE_JAVA_OPTIONS);
        int offset = value(env, "EDP_PORT_OFFSET").map(v -> v.trim().equals("0") ? 0 : parseInt("EDP_PORT_OFFSET", v))
            .orElse(0);
        String internal = value(env, "EDP_BIND_ADDRESS").orElse(BindAddresses.LOOPBACK);
        BindAddresses bind = new BindAddresses(internal,
                value(env, "EDP_PUBLIC_BIND_ADDRESS").orElse(BindAddresses.EVERYWHERE),
                value(env, "EDP_KEYCLOAK_BIND_ADDRESS").orElse(internal));
        return new LauncherSettings(external, port + offset, timeout, javaOptions, offset, bind);
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    private static int parseInt(String name, String value) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed <= 0) {
                throw new NumberFormatException();
            }
            return parsed;
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException(name + " must be a positive whole number, but is '" + value + "'");
        }
    }
}
