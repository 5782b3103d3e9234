package dev.edp.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import dev.edp.keycloak.EdpRealm;
import dev.edp.keycloak.KeycloakAdmin;
import dev.edp.keycloak.KeycloakServer;
import dev.edp.keycloak.Secrets;

/**
 * Keycloak for a local platform: the real distribution (from Maven Central, unpacked
 * under {@code .edp/keycloak}), its data in the embedded PostgreSQL's {@code keycloak}
 * database (or in Keycloak's own file store when the services use an external database),
 * the EDP realm imported, and a first platform admin {@code admin} with a generated
 * password.
 */
final class IdentityProvider implements AutoCloseable {

    static final int HTTP_PORT = KeycloakServer.DEFAULT_HTTP_PORT;

    static final int MANAGEMENT_PORT = 9180;

    static final String ADMIN_USERNAME = "admin";

    private final KeycloakServer server;

    private final String adminPassword;

    private final String automationSecret;

    private final String servicesSecret;

    private final Map<String, String> serviceEnvironment;

    private final int httpPort;

    private IdentityProvider(KeycloakServer server, int httpPort, String adminPassword, String automationSecret,
            String servicesSecret, Map<String, String> serviceEnvironment) {
        this.server = server;
        this.servicesSecret = servicesSecret;
        this.httpPort = httpPort;
        this.adminPassword = adminPassword;
        this.automationSecret = automationSecret;
        this.serviceEnvironment = serviceEnvironment;
    }

    /**
     * Prepares Keycloak (secrets, configuration) without starting it, so the services can
     * be started with the right settings while Keycloak boots.
     */
    private static final java.time.Duration KEYCLOAK_MIN_START = java.time.Duration.ofMinutes(3);

    /**
     * How long Keycloak may take to start: {@code EDP_START_TIMEOUT}, at least 3 minutes.
     */
    static java.time.Duration startTimeout(LauncherSettings settings) {
        return settings.startTimeout().compareTo(KEYCLOAK_MIN_START) > 0 ? settings.startTimeout() : KEYCLOAK_MIN_START;
    }

    static IdentityProvider prepare(Workspace workspace, LauncherSettings settings, Database database)
            throws IOException {
        LocalSecrets secrets = LocalSecrets.load(workspace.secretsFile());
        String keycloakAdminPassword = secrets.getOrCreate("keycloak.admin.password", Secrets::generatePassword);
        String portalSecret = secrets.getOrCreate("client.edp-portal.secret", Secrets::generateClientSecret);
        String masterdataSecret = secrets.getOrCreate("client.edp-masterdata.secret", Secrets::generateClientSecret);
        String automationSecret = secrets.getOrCreate("client.edp-automation.secret", Secrets::generateClientSecret);
        String servicesSecret = secrets.getOrCreate("client.edp-services.secret", Secrets::generateClientSecret);
        String adminPassword = secrets.getOrCreate("edp.admin.password", Secrets::generatePassword);

        int httpPort = HTTP_PORT + settings.portOffset();
        KeycloakServer.Builder builder = KeycloakServer.builder(workspace.edpDir().resolve("keycloak"))
            .httpPort(httpPort)
            .managementPort(MANAGEMENT_PORT + settings.portOffset())
            // Login pages, tokens and the admin console share the HTTP port; health and
            // metrics stay internal.
            .httpHost(settings.bind().keycloak())
            .managementHost(settings.bind().internal())
            // Keycloak's first start re-augments the distribution: on a busy machine that
            // alone takes minutes, so it gets EDP_START_TIMEOUT like the services when
            // that is longer than its 3 min.
            .startTimeout(startTimeout(settings))
            .edpRealm()
            .bootstrapAdmin("kcadmin", keycloakAdminPassword)
            .clientSecret(EdpRealm.PORTAL_CLIENT_ID, portalSecret)
            .clientSecret(EdpRealm.MASTERDATA_CLIENT_ID, masterdataSecret)
            .clientSecret(EdpRealm.AUTOMATION_CLIENT_ID, automationSecret)
            .clientSecret(EdpRealm.SERVICES_CLIENT_ID, servicesSecret)
            .logFile(workspace.logFile("keycloak"));
        if (database instanceof EmbeddedDatabase) {
            DatabaseCoordinates edp = database.coordinates();
            builder.postgres(edp.jdbcUrl().replaceFirst("/edp$", "/keycloak"), edp.user(), edp.password());
        }
        String keycloakUrl = "http://localhost:" + httpPort;
        Map<String, String> environment = Map.of("EDP_KEYCLOAK_URL", keycloakUrl, "EDP_ISSUER_URI",
                keycloakUrl + "/realms/" + EdpRealm.NAME, "EDP_PORTAL_CLIENT_SECRET", portalSecret,
                "EDP_MASTERDATA_CLIENT_SECRET", masterdataSecret, "EDP_SERVICES_CLIENT_SECRET", servicesSecret,
                // monitoring's service health checker watches Keycloak too
                "EDP_KEYCLOAK_HEALTH_URL",
                "http://localhost:" + (MANAGEMENT_PORT + settings.portOffset()) + "/health/ready");
        return new IdentityProvider(builder.build(), httpPort, adminPassword, automationSecret, servicesSecret,
                environment);
    }

    /**
     * @return the Keycloak server this prepared (not started until {@link #start})
     */
    KeycloakServer server() {
        return server;
    }

    /** What every service needs to know about the identity provider. */
    Map<String, String> serviceEnvironment() {
        return serviceEnvironment;
    }

    /**
     * Starts Keycloak, waits until the realm answers, and makes sure the first platform
     * admin exists.
     */
    void start(Workspace workspace, int gatewayPort, PrintStream out) throws IOException {
        out.println("Starting Keycloak on port " + httpPort + " ...");
        server.start();
        Files.writeString(workspace.pidFile("keycloak"), server.pid() + "\n");
        try (KeycloakAdmin admin = server.admin()) {
            // The realm file allows the default gateway URL; a moved gateway
            // (EDP_PORT_OFFSET) needs its own.
            admin.allowRedirectsTo(EdpRealm.NAME, EdpRealm.PORTAL_CLIENT_ID, "http://localhost:" + gatewayPort);
            // A realm imported by an older EDP lacks the services' own client; the import
            // skips existing realms.
            if (admin.ensureServiceClient(EdpRealm.NAME, EdpRealm.SERVICES_CLIENT_ID, servicesSecret,
                    EdpRealm.ROLE_PLATFORM_SERVICE)) {
                out.println("  added the client '" + EdpRealm.SERVICES_CLIENT_ID + "' to the existing realm");
            }
            // Services accept only access tokens for the EDP API; older realms lack the
            // clients' audience.
            for (String client : EdpRealm.API_CLIENTS) {
                if (admin.ensureAudience(EdpRealm.NAME, client, EdpRealm.API_AUDIENCE)) {
                    out.println("  added the audience '" + EdpRealm.API_AUDIENCE + "' to the client '" + client + "'");
                }
            }
            if (admin.findUser(EdpRealm.NAME, ADMIN_USERNAME).isEmpty()) {
                admin.createUser(EdpRealm.NAME, new KeycloakAdmin.NewUser(ADMIN_USERNAME, "admin@edp.localhost", "EDP",
                        "Administrator", adminPassword, List.of(EdpRealm.ROLE_PLATFORM_ADMIN), null));
                out.println("  created the first platform admin '" + ADMIN_USERNAME + "'");
            }
        }
        out.println("  keycloak is ready");
    }

    URI baseUrl() {
        return URI.create("http://localhost:" + httpPort);
    }

    /** The last lines of Keycloak's log, for a failed start. */
    List<String> logTail() {
        return List.of(server.lastLogLines(40).split("\\R"));
    }

    String adminPassword() {
        return adminPassword;
    }

    String automationSecret() {
        return automationSecret;
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public String toString() {
        return "keycloak";
    }

}
