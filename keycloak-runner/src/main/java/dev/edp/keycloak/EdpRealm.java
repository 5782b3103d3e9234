package dev.edp.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * What the EDP realm file ({@value #RESOURCE}) defines: realm, roles, clients and the
 * tenancy claim.
 *
 * <p>
 * Client secrets are not in the file. It holds {@code ${EDP_<CLIENT>_CLIENT_SECRET}}
 * placeholders that Keycloak resolves from its environment on import;
 * {@link KeycloakServer} always sets them (see {@link #secretVariable(String)}).
 */
public final class EdpRealm {

    /** Classpath location of the realm export. */
    public static final String RESOURCE = "/keycloak/edp-realm.json";

    /** The realm's name. */
    public static final String NAME = "edp";

    /** Operates the whole platform, sees every customer. */
    public static final String ROLE_PLATFORM_ADMIN = "platform-admin";

    /** Administers one customer. */
    public static final String ROLE_CUSTOMER_ADMIN = "customer-admin";

    /** Onboards devices and rolls out releases for one customer. */
    public static final String ROLE_OPERATOR = "operator";

    /** Reads one customer's devices. */
    public static final String ROLE_VIEWER = "viewer";

    /** All EDP realm roles. */
    public static final List<String> ROLES = List.of(ROLE_PLATFORM_ADMIN, ROLE_CUSTOMER_ADMIN, ROLE_OPERATOR,
            ROLE_VIEWER);

    /**
     * User attribute and access-token claim that carry the user's customer (tenant) id.
     */
    public static final String CUSTOMER_ID_CLAIM = "customer_id";

    /** Confidential client of the portal gateway: authorization code with PKCE (S256). */
    public static final String PORTAL_CLIENT_ID = "edp-portal";

    /** Example confidential client for business automation: client credentials only. */
    public static final String AUTOMATION_CLIENT_ID = "edp-automation";

    /**
     * Confidential client of the masterdata service, which manages users through the
     * admin API.
     */
    public static final String MASTERDATA_CLIENT_ID = "edp-masterdata";

    /**
     * Confidential client of the platform services calling each other: client
     * credentials, role {@value #ROLE_PLATFORM_SERVICE}.
     */
    public static final String SERVICES_CLIENT_ID = "edp-services";

    /**
     * The role of {@value #SERVICES_CLIENT_ID}'s service account; never given to people.
     */
    public static final String ROLE_PLATFORM_SERVICE = "platform-service";

    /**
     * The audience the EDP clients put into their access tokens (an
     * {@code oidc-audience-mapper} on each of them); the services and the gateway accept
     * no access token without it.
     */
    public static final String API_AUDIENCE = "edp-api";

    /**
     * The clients whose access tokens call the EDP API, so carry {@value #API_AUDIENCE}.
     */
    public static final List<String> API_CLIENTS = List.of(PORTAL_CLIENT_ID, AUTOMATION_CLIENT_ID, SERVICES_CLIENT_ID);

    /**
     * The customer id that the example {@value #AUTOMATION_CLIENT_ID} client's service
     * account carries.
     */
    public static final String AUTOMATION_CUSTOMER_ID = "5f0c6a8e-3b1d-4c7a-9e2f-8d4b6a1c0e37";

    private EdpRealm() {
    }

    /**
     * The environment variable that the realm file reads a client's secret from, e.g.
     * {@code EDP_PORTAL_CLIENT_SECRET} for {@code edp-portal}.
     * @param clientId a client id
     * @return the variable's name
     */
    public static String secretVariable(String clientId) {
        return clientId.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_CLIENT_SECRET";
    }

    /**
     * Copies the realm file out of the classpath.
     * @param directory where to write {@code edp-realm.json}; created if missing
     * @return the written file
     */
    public static Path copyTo(Path directory) {
        try (InputStream in = EdpRealm.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Realm file " + RESOURCE + " is not on the classpath");
            }
            Files.createDirectories(directory);
            Path target = directory.resolve("edp-realm.json");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not copy the EDP realm file to " + directory, ex);
        }
    }

}
