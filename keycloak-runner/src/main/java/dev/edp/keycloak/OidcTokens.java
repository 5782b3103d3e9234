package dev.edp.keycloak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fetches tokens from a realm's token endpoint and reads their payload. For the
 * launcher's smoke checks and for tests; services validate tokens with Spring Security
 * instead.
 */
public final class OidcTokens {

    private static final HttpClient CLIENT = Http.newClient();

    private OidcTokens() {
    }

    /**
     * The realm's token endpoint.
     * @param baseUrl Keycloak's base URL, e.g. {@code http://localhost:8180}
     * @param realm the realm
     * @return {@code <baseUrl>/realms/<realm>/protocol/openid-connect/token}
     */
    public static URI tokenEndpoint(URI baseUrl, String realm) {
        return Http.resolve(baseUrl, "/realms/" + Http.encode(realm) + "/protocol/openid-connect/token");
    }

    /**
     * An access token for a confidential client's service account (client-credentials
     * grant).
     * @param baseUrl Keycloak's base URL
     * @param realm the realm
     * @param clientId the client
     * @param clientSecret its secret
     * @return the access token (a JWT)
     * @throws KeycloakException if Keycloak refuses
     */
    public static String clientCredentials(URI baseUrl, String realm, String clientId, String clientSecret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return accessToken(tokenEndpoint(baseUrl, realm), form, "Client-credentials grant for " + clientId);
    }

    /**
     * An access token for a user (resource-owner password grant). Only clients with
     * direct access grants enabled may do this; none in the EDP realm file does — tests
     * add one through
     * {@link KeycloakAdmin#createPasswordGrantClient(String, String, String)}.
     * @param baseUrl Keycloak's base URL
     * @param realm the realm
     * @param clientId the client
     * @param clientSecret its secret, or {@code null} for a public client
     * @param username the user
     * @param password the user's password
     * @return the access token (a JWT)
     * @throws KeycloakException if Keycloak refuses
     */
    public static String password(URI baseUrl, String realm, String clientId, String clientSecret, String username,
            String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        return accessToken(tokenEndpoint(baseUrl, realm), form, "Password grant for " + username);
    }

    /**
     * Decodes a JWT's payload without checking its signature: only for looking at claims
     * of a token just received from a trusted endpoint.
     * @param jwt a JWT in compact form
     * @return its claims
     */
    public static Map<String, Object> decodePayload(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("Not a JWT in compact form");
        }
        return Http.object(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    static Map<String, Object> tokenResponse(URI tokenEndpoint, Map<String, String> form, String action) {
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
            .timeout(Http.TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(Http.form(form))
            .build();
        HttpResponse<String> response = Http.expect(Http.send(CLIENT, request, action), action, 200);
        return Http.object(response.body());
    }

    private static String accessToken(URI tokenEndpoint, Map<String, String> form, String action) {
        return (String) tokenResponse(tokenEndpoint, form, action).get("access_token");
    }

}
