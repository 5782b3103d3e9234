package dev.edp.keycloak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A small client for Keycloak's admin REST API, authenticated as an admin of the master
 * realm (the bootstrap admin). Covers what the launcher and the tests need; not a general
 * admin client.
 */
public final class KeycloakAdmin implements AutoCloseable {

    private final HttpClient client = Http.newClient();

    private final URI baseUrl;

    private final String username;

    private final String password;

    private String accessToken;

    private Instant accessTokenExpiry = Instant.MIN;

    private KeycloakAdmin(URI baseUrl, String username, String password) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
    }

    /**
     * Logs in to the master realm (client {@code admin-cli}, password grant).
     * @param baseUrl Keycloak's base URL, e.g. {@code http://localhost:8180}
     * @param username a master-realm admin
     * @param password their password
     * @return a connected admin client
     * @throws KeycloakException if the login is refused
     */
    public static KeycloakAdmin connect(URI baseUrl, String username, String password) {
        KeycloakAdmin admin = new KeycloakAdmin(baseUrl, username, password);
        admin.token();
        return admin;
    }

    /**
     * The names of a realm's realm roles.
     * @param realm the realm
     * @return role names, including Keycloak's own ({@code offline_access},
     * {@code default-roles-*}, …)
     */
    public List<String> realmRoles(String realm) {
        return getArray("/admin/realms/" + Http.encode(realm) + "/roles", "List realm roles").stream()
            .map((role) -> (String) role.get("name"))
            .toList();
    }

    /**
     * A realm's representation as Keycloak returns it (e.g. {@code bruteForceProtected},
     * {@code accessTokenLifespan}).
     * @param realm the realm
     * @return its settings
     */
    public Map<String, Object> realm(String realm) {
        return Http.object(get("/admin/realms/" + Http.encode(realm), "Read realm " + realm).body());
    }

    /**
     * Finds a user by exact username.
     * @param realm the realm
     * @param username the username
     * @return the user's representation with attributes, if there is one
     */
    public Optional<Map<String, Object>> findUser(String realm, String username) {
        return getArray("/admin/realms/" + Http.encode(realm) + "/users?exact=true&briefRepresentation=false&username="
                + Http.encode(username), "Find user " + username)
            .stream()
            .findFirst();
    }

    /**
     * Creates an enabled user with a non-temporary password, realm roles and, if given, a
     * customer id. The EDP user profile requires e-mail, first and last name for users
     * who log in interactively; leave them out only for technical users.
     * @param realm the realm
     * @param user the user to create
     * @return the new user's id
     * @throws KeycloakException if Keycloak refuses (existing username, password policy,
     * …)
     */
    public String createUser(String realm, NewUser user) {
        Map<String, Object> representation = new LinkedHashMap<>();
        representation.put("username", user.username());
        representation.put("enabled", true);
        if (user.email() != null) {
            representation.put("email", user.email());
            representation.put("emailVerified", true);
        }
        if (user.firstName() != null) {
            representation.put("firstName", user.firstName());
        }
        if (user.lastName() != null) {
            representation.put("lastName", user.lastName());
        }
        if (user.customerId() != null) {
            representation.put("attributes", Map.of(EdpRealm.CUSTOMER_ID_CLAIM, List.of(user.customerId())));
        }
        representation.put("credentials",
                List.of(Map.of("type", "password", "value", user.password(), "temporary", false)));
        String action = "Create user " + user.username();
        HttpResponse<String> response = Http.expect(
                send(request("/admin/realms/" + Http.encode(realm) + "/users").POST(json(representation)), action),
                action, 201);
        String location = response.headers()
            .firstValue("Location")
            .orElseThrow(() -> new KeycloakException(action + ": no Location header", 201, ""));
        String userId = location.substring(location.lastIndexOf('/') + 1);
        if (!user.realmRoles().isEmpty()) {
            List<Map<String, Object>> roles = new ArrayList<>();
            for (String role : user.realmRoles()) {
                roles.add(Http.object(
                        get("/admin/realms/" + Http.encode(realm) + "/roles/" + Http.encode(role), "Read role " + role)
                            .body()));
            }
            String assign = "Assign roles " + user.realmRoles() + " to " + user.username();
            Http.expect(
                    send(request("/admin/realms/" + Http.encode(realm) + "/users/" + userId + "/role-mappings/realm")
                        .POST(json(roles)), assign),
                    assign, 204);
        }
        return userId;
    }

    /**
     * Sets a confidential client's secret.
     * @param realm the realm
     * @param clientId the client's client id (not its internal id)
     * @param secret the new secret
     * @throws KeycloakException if there is no such client
     */
    public void setClientSecret(String realm, String clientId, String secret) {
        Map<String, Object> client = client(realm, clientId);
        client.put("secret", secret);
        String action = "Set secret of client " + clientId;
        updateClient(realm, client, action);
    }

    /**
     * Lets a browser client redirect to (and return after logout to) another base URL,
     * such as a gateway on a non-default port. Does nothing if the client already allows
     * it.
     * @param realm the realm
     * @param clientId the client's client id
     * @param baseUrl the application's base URL, e.g. {@code http://localhost:28080}
     * @throws KeycloakException if there is no such client
     */
    @SuppressWarnings("unchecked")
    public void allowRedirectsTo(String realm, String clientId, String baseUrl) {
        Map<String, Object> client = client(realm, clientId);
        String pattern = baseUrl + "/*";
        List<String> redirects = new ArrayList<>((List<String>) client.getOrDefault("redirectUris", List.of()));
        if (redirects.contains(pattern)) {
            return;
        }
        redirects.add(pattern);
        client.put("redirectUris", redirects);
        Map<String, Object> attributes = attributes(client);
        String logout = (String) attributes.getOrDefault("post.logout.redirect.uris", "");
        attributes.put("post.logout.redirect.uris", logout.isEmpty() ? pattern : logout + "##" + pattern);
        client.put("attributes", attributes);
        String action = "Allow redirects of client " + clientId + " to " + baseUrl;
        updateClient(realm, client, action);
    }

    /**
     * Sets one attribute of a client, e.g. {@code access.token.lifespan}.
     * @param realm the realm
     * @param clientId the client's client id
     * @param name attribute name
     * @param value attribute value
     * @throws KeycloakException if there is no such client
     */
    public void setClientAttribute(String realm, String clientId, String name, String value) {
        Map<String, Object> client = client(realm, clientId);
        Map<String, Object> attributes = attributes(client);
        attributes.put(name, value);
        client.put("attributes", attributes);
        String action = "Set attribute " + name + " of client " + clientId;
        updateClient(realm, client, action);
    }

    /** Replaces a client's representation with the changed one. */
    private void updateClient(String realm, Map<String, Object> client, String action) {
        Http.expect(
                send(request("/admin/realms/" + Http.encode(realm) + "/clients/" + client.get("id")).PUT(json(client)),
                        action),
                action, 204);
    }

    /** A changeable copy of a client's attributes. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> attributes(Map<String, Object> client) {
        return new LinkedHashMap<>((Map<String, Object>) client.getOrDefault("attributes", Map.of()));
    }

    /**
     * A client's representation.
     * @param realm the realm
     * @param clientId the client's client id
     * @return its settings, including {@code id}, the internal id
     * @throws KeycloakException if there is no such client
     */
    public Map<String, Object> client(String realm, String clientId) {
        List<Map<String, Object>> clients = getArray(
                "/admin/realms/" + Http.encode(realm) + "/clients?clientId=" + Http.encode(clientId),
                "Find client " + clientId);
        if (clients.isEmpty()) {
            throw new KeycloakException("No client " + clientId + " in realm " + realm, 404, "");
        }
        return new LinkedHashMap<>(clients.getFirst());
    }

    /**
     * Makes sure a confidential client-credentials client exists whose service account
     * holds one realm role, creating the role, the client and the mapping if missing.
     * Realms imported before the client was added to the realm file get it this way (an
     * import skips existing realms).
     * @param realm the realm
     * @param clientId the client's client id
     * @param secret its secret (set on creation only)
     * @param realmRole the realm role its service account gets
     * @return whether anything was created
     */
    public boolean ensureServiceClient(String realm, String clientId, String secret, String realmRole) {
        String base = "/admin/realms/" + Http.encode(realm);
        boolean created = false;
        if (!realmRoles(realm).contains(realmRole)) {
            String action = "Create realm role " + realmRole;
            Http.expect(send(request(base + "/roles").POST(json(Map.of("name", realmRole))), action), action, 201);
            created = true;
        }
        String internalId;
        try {
            internalId = (String) client(realm, clientId).get("id");
        }
        catch (KeycloakException ex) {
            Map<String, Object> client = confidentialClient(clientId, secret, false, true);
            String action = "Create client " + clientId;
            HttpResponse<String> response = Http.expect(send(request(base + "/clients").POST(json(client)), action),
                    action, 201);
            String location = response.headers().firstValue("Location").orElse("");
            internalId = location.substring(location.lastIndexOf('/') + 1);
            created = true;
        }
        Map<String, Object> account = Http.object(get(base + "/clients/" + internalId + "/service-account-user",
                "Find the service account of " + clientId)
            .body());
        String userId = (String) account.get("id");
        List<Map<String, Object>> mapped = getArray(base + "/users/" + userId + "/role-mappings/realm",
                "Read the realm roles of " + clientId);
        if (mapped.stream().noneMatch(role -> realmRole.equals(role.get("name")))) {
            Map<String, Object> role = Http
                .object(get(base + "/roles/" + Http.encode(realmRole), "Read role " + realmRole).body());
            String action = "Grant " + realmRole + " to the service account of " + clientId;
            Http.expect(
                    send(request(base + "/users/" + userId + "/role-mappings/realm").POST(json(List.of(role))), action),
                    action, 204);
            created = true;
        }
        return created;
    }

    /**
     * Makes sure a client puts an audience into its access tokens (and not into its ID
     * tokens), adding an {@code oidc-audience-mapper} if it has none for that audience.
     * Realms imported before the realm file had the mapper get it this way (an import
     * skips existing realms).
     * @param realm the realm
     * @param clientId the client's client id
     * @param audience the audience, e.g. {@link EdpRealm#API_AUDIENCE}
     * @return whether the mapper was added
     * @throws KeycloakException if there is no such client
     */
    public boolean ensureAudience(String realm, String clientId, String audience) {
        String mappers = "/admin/realms/" + Http.encode(realm) + "/clients/" + client(realm, clientId).get("id")
                + "/protocol-mappers/models";
        boolean present = getArray(mappers, "Read the protocol mappers of " + clientId).stream()
            .anyMatch((mapper) -> "oidc-audience-mapper".equals(mapper.get("protocolMapper"))
                    && mapper.get("config") instanceof Map<?, ?> config
                    && audience.equals(config.get("included.custom.audience"))
                    && "true".equals(config.get("access.token.claim")));
        if (present) {
            return false;
        }
        String action = "Add the audience " + audience + " to the access tokens of " + clientId;
        Http.expect(send(request(mappers).POST(json(audienceMapper(audience))), action), action, 201);
        return true;
    }

    /**
     * A confidential OpenID Connect client without the browser flow.
     * @param passwordGrant whether it may use the resource owner password grant
     * @param serviceAccount whether it may use the client credentials grant
     */
    private static Map<String, Object> confidentialClient(String clientId, String secret, boolean passwordGrant,
            boolean serviceAccount) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", clientId);
        client.put("enabled", true);
        client.put("protocol", "openid-connect");
        client.put("publicClient", false);
        client.put("secret", secret);
        client.put("standardFlowEnabled", false);
        client.put("directAccessGrantsEnabled", passwordGrant);
        client.put("serviceAccountsEnabled", serviceAccount);
        return client;
    }

    /**
     * The mapper the realm file gives the EDP clients: the audience in access tokens
     * only.
     */
    static Map<String, Object> audienceMapper(String audience) {
        Map<String, Object> mapper = new LinkedHashMap<>();
        mapper.put("name", audience + " audience");
        mapper.put("protocol", "openid-connect");
        mapper.put("protocolMapper", "oidc-audience-mapper");
        mapper.put("config", Map.of("included.custom.audience", audience, "id.token.claim", "false",
                "access.token.claim", "true", "introspection.token.claim", "true"));
        return mapper;
    }

    /**
     * Adds a confidential client that may use the password grant and maps
     * {@code customer_id} and the {@link EdpRealm#API_AUDIENCE} like the EDP clients do.
     * For tests only: the realm file never contains such a client.
     * @param realm the realm
     * @param clientId the new client's id
     * @param secret its secret
     * @return the client's internal id
     */
    public String createPasswordGrantClient(String realm, String clientId, String secret) {
        Map<String, Object> mapper = new LinkedHashMap<>();
        mapper.put("name", EdpRealm.CUSTOMER_ID_CLAIM);
        mapper.put("protocol", "openid-connect");
        mapper.put("protocolMapper", "oidc-usermodel-attribute-mapper");
        mapper.put("config",
                Map.of("user.attribute", EdpRealm.CUSTOMER_ID_CLAIM, "claim.name", EdpRealm.CUSTOMER_ID_CLAIM,
                        "jsonType.label", "String", "access.token.claim", "true", "id.token.claim", "true",
                        "userinfo.token.claim", "true", "introspection.token.claim", "true"));
        Map<String, Object> client = confidentialClient(clientId, secret, true, false);
        client.put("protocolMappers", List.of(mapper, audienceMapper(EdpRealm.API_AUDIENCE)));
        String action = "Create client " + clientId;
        HttpResponse<String> response = Http.expect(
                send(request("/admin/realms/" + Http.encode(realm) + "/clients").POST(json(client)), action), action,
                201);
        String location = response.headers().firstValue("Location").orElse("");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    @Override
    public void close() {
        this.client.close();
    }

    private HttpResponse<String> get(String path, String action) {
        return Http.expect(send(request(path).GET(), action), action, 200);
    }

    private List<Map<String, Object>> getArray(String path, String action) {
        return Http.array(get(path, action).body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(Http.resolve(this.baseUrl, path))
            .timeout(Http.TIMEOUT)
            .header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String action) {
        return Http.send(this.client, request.header("Authorization", "Bearer " + token()).build(), action);
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        return HttpRequest.BodyPublishers.ofString(Http.write(body));
    }

    private synchronized String token() {
        // Master-realm admin tokens live 60 s by default: renew shortly before they run
        // out.
        if (this.accessToken == null || Instant.now().isAfter(this.accessTokenExpiry)) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "password");
            form.put("client_id", "admin-cli");
            form.put("username", this.username);
            form.put("password", this.password);
            Map<String, Object> response = OidcTokens.tokenResponse(OidcTokens.tokenEndpoint(this.baseUrl, "master"),
                    form, "Admin login as " + this.username);
            long lifetime = ((Number) response.getOrDefault("expires_in", 60)).longValue();
            this.accessToken = (String) response.get("access_token");
            this.accessTokenExpiry = Instant.now().plus(Duration.ofSeconds(Math.max(lifetime - 15, 5)));
        }
        return this.accessToken;
    }

    /**
     * A user to create.
     *
     * @param username the login name
     * @param email e-mail address, or {@code null}
     * @param firstName first name, or {@code null}
     * @param lastName last name, or {@code null}
     * @param password the initial password, not temporary
     * @param realmRoles realm roles to grant
     * @param customerId the customer (tenant) id, or {@code null} for platform admins
     */
    public record NewUser(String username, String email, String firstName, String lastName, String password,
            List<String> realmRoles, String customerId) {

        /**
         * Checks the required parts.
         */
        public NewUser {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            realmRoles = List.copyOf(realmRoles);
        }
    }

}
