package dev.edp.masterdata.user;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How masterdata reaches Keycloak's admin REST API ({@code edp.keycloak.*}; defaults in
 * {@code application.yml}).
 *
 * @param serverUrl Keycloak's base URL, e.g. {@code http://localhost:8180}
 * @param realm the EDP realm
 * @param clientId the confidential client whose service account has the realm-management
 * roles {@code manage-users}, {@code view-users} and {@code query-users}
 * @param clientSecret its secret; empty means user management is not configured (503)
 * @param inviteByEmail send Keycloak's "execute actions" e-mail (update password) instead
 * of returning a one-time password; needs SMTP configured in the realm
 * @param temporaryPassword whether a generated password is temporary (Keycloak then asks
 * for a new one on the first browser login, and refuses direct password grants until
 * then)
 * @param connectTimeout connect timeout of calls to Keycloak
 * @param readTimeout read timeout of calls to Keycloak
 */
@ConfigurationProperties("edp.keycloak")
record KeycloakProperties(String serverUrl, String realm, String clientId, String clientSecret, boolean inviteByEmail,
        boolean temporaryPassword, Duration connectTimeout, Duration readTimeout) {

    KeycloakProperties {
        serverUrl = serverUrl == null || serverUrl.isBlank() ? "http://localhost:8180"
                : serverUrl.replaceAll("/+$", "");
        realm = realm == null || realm.isBlank() ? "edp" : realm;
        clientId = clientId == null || clientId.isBlank() ? "edp-masterdata" : clientId;
        clientSecret = clientSecret == null ? "" : clientSecret;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(10) : readTimeout;
    }
}
