package dev.edp.keycloak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Keycloak is started: {@code kc.sh start-dev} with its ports, hosts, health, realm
 * import and database, and the environment it gets (the caller's Keycloak settings
 * removed, the JDK and the options it needs, the bootstrap admin, secrets that must not
 * show in the process list).
 */
final class KeycloakCommand {

    private KeycloakCommand() {
    }

    /**
     * @param home the unpacked distribution
     * @param config the server's configuration
     * @param httpPort the HTTP port chosen
     * @param managementPort the management port chosen
     * @return {@code kc.sh} with its arguments
     */
    static List<String> command(Path home, KeycloakServer.Builder config, int httpPort, int managementPort) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.addAll(arguments(config, httpPort, managementPort));
        return command;
    }

    private static final String START = "start-dev";

    private static final String HEALTH = "--health-enabled=true";

    /**
     * The options of {@link #arguments} that Keycloak is built with: a change in them
     * makes {@code kc.sh} augment the distribution again.
     * @param config the server's configuration
     * @return the command and its build-time options
     */
    static List<String> buildOptions(KeycloakServer.Builder config) {
        return List.of(START, HEALTH, database(config));
    }

    private static String database(KeycloakServer.Builder config) {
        return (config.jdbcUrl != null) ? "--db=postgres" : "--db=dev-file";
    }

    static List<String> arguments(KeycloakServer.Builder config, int httpPort, int managementPort) {
        List<String> command = new ArrayList<>();
        command.add(START);
        command.add("--http-port=" + httpPort);
        command.add("--http-management-port=" + managementPort);
        // start-dev listens on every interface unless told otherwise.
        if (config.httpHost != null) {
            command.add("--http-host=" + config.httpHost);
        }
        if (config.managementHost != null) {
            command.add("--http-management-host=" + config.managementHost);
        }
        command.add(HEALTH);
        command.add("--import-realm");
        command.add(database(config));
        if (config.jdbcUrl != null) {
            command.add("--db-url=" + config.jdbcUrl);
            command.add("--db-username=" + config.dbUsername);
            // The password goes in through KC_DB_PASSWORD: arguments are visible to every
            // local user.
        }
        return command;
    }

    /**
     * Sets Keycloak's environment: none of the caller's Keycloak settings, the JDK and
     * its options, the bootstrap admin, the database password and the realm files'
     * placeholder values.
     */
    static void configureEnvironment(Map<String, String> environment, KeycloakServer.Builder config,
            Map<String, String> placeholderValues) {
        // The caller's Keycloak settings must not leak into this server's configuration.
        environment.keySet()
            .removeIf((name) -> name.startsWith("KC_") || name.startsWith("QUARKUS_") || name.startsWith("JAVA_OPTS")
                    || name.equals("JAVA_ADD_OPENS") || name.equals("JAVA") || name.equals("DEBUG"));
        environment.put("JAVA_HOME", config.javaHome.toString());
        environment.put("JAVA_OPTS_KC_HEAP", config.heapOptions);
        String javaOptions = javaOptions(javaFeatureVersion(config.javaHome));
        if (!javaOptions.isEmpty()) {
            environment.put("JAVA_OPTS_APPEND", javaOptions);
        }
        environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", config.adminUsername);
        environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", config.adminPassword);
        if (config.dbPassword != null) {
            environment.put("KC_DB_PASSWORD", config.dbPassword);
        }
        environment.putAll(placeholderValues);
    }

    static String javaOptions(int javaFeatureVersion) {
        if (javaFeatureVersion < 21) {
            throw new IllegalStateException("Keycloak 26 needs a JDK 21 or later, not " + javaFeatureVersion);
        }
        // JBoss Threads resets thread locals through java.lang internals; from JDK 24 on
        // that needs this opening, or request threads die on shutdown with
        // IllegalAccessError.
        return (javaFeatureVersion >= 24) ? "--add-opens=java.base/java.lang=ALL-UNNAMED" : "";
    }

    static int javaFeatureVersion(Path javaHome) {
        if (javaHome.toAbsolutePath()
            .normalize()
            .equals(Path.of(System.getProperty("java.home")).toAbsolutePath().normalize())) {
            return Runtime.version().feature();
        }
        Properties release = new Properties();
        try (var in = Files.newInputStream(javaHome.resolve("release"))) {
            release.load(in);
        }
        catch (IOException ex) {
            throw new IllegalStateException("No JDK at " + javaHome + " (no readable release file)", ex);
        }
        String version = release.getProperty("JAVA_VERSION", "").replace("\"", "");
        if (version.startsWith("1.")) {
            version = version.substring(2);
        }
        Matcher feature = Pattern.compile("^(\\d+)").matcher(version);
        if (!feature.find()) {
            throw new IllegalStateException("Cannot read the Java version of " + javaHome + ": " + version);
        }
        return Integer.parseInt(feature.group(1));
    }

}
