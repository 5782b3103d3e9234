package dev.edp.masterdata.user;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.edp.masterdata.support.MasterdataProblem;
import dev.edp.platform.client.ClientCredentialsTokenSource;
import dev.edp.platform.client.ServiceCallException;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.security.EdpRoles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriUtils;

/**
 * {@link UserDirectory} on Keycloak's admin REST API, authenticated with a
 * client-credentials token of the confidential client {@code edp.keycloak.client-id} (the
 * starter's {@link ClientCredentialsTokenSource}, which keeps it until shortly before it
 * expires). Its service account needs the realm-management roles {@code manage-users},
 * {@code view-users} and {@code query-users}; nothing more (see
 * {@link #realmRoles(String)} for how it reads roles without {@code view-realm}).
 * <p>
 * Whatever goes wrong between masterdata and Keycloak (unreachable, 5xx, refused
 * credentials, missing permissions) is the platform's problem, not the caller's: it is
 * logged with Keycloak's answer and reported as a 503 problem, never as a 500.
 */
@Component
class KeycloakUserDirectory implements UserDirectory {

    private static final Logger log = LoggerFactory.getLogger(KeycloakUserDirectory.class);

    private static final ParameterizedTypeReference<Map<String, Object>> OBJECT = new ParameterizedTypeReference<>() {
    };

    private static final ParameterizedTypeReference<List<Map<String, Object>>> ARRAY = new ParameterizedTypeReference<>() {
    };

    /** EDP realm roles, highest first. */
    static final List<String> ROLES = List.of(EdpRoles.PLATFORM_ADMIN, EdpRoles.CUSTOMER_ADMIN, EdpRoles.OPERATOR,
            EdpRoles.VIEWER);

    private static final String CUSTOMER_ATTRIBUTE = "customer_id";

    private final KeycloakProperties properties;

    private final RestClient http;

    private final String users;

    private final ClientCredentialsTokenSource tokens;

    private volatile Map<String, Map<String, Object>> roleCatalog;

    KeycloakUserDirectory(RestClient.Builder builder, KeycloakProperties properties) {
        this.properties = properties;
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(properties.connectTimeout()).build());
        requests.setReadTimeout(properties.readTimeout());
        this.http = builder.requestFactory(requests).baseUrl(properties.serverUrl()).build();
        this.users = "/admin/realms/" + properties.realm() + "/users";
        this.tokens = new ClientCredentialsTokenSource(
                URI.create(properties.serverUrl() + "/realms/"
                        + UriUtils.encodePathSegment(properties.realm(), StandardCharsets.UTF_8)
                        + "/protocol/openid-connect/token"),
                properties.clientId(), properties.clientSecret(), Clock.systemUTC());
    }

    @Override
    public String create(NewUser user, String password, boolean temporary) {
        return call("create user", () -> {
            Map<String, Object> representation = new LinkedHashMap<>();
            representation.put("username", user.username());
            representation.put("email", user.email());
            representation.put("firstName", user.firstName());
            representation.put("lastName", user.lastName());
            representation.put("enabled", true);
            representation.put("attributes", Map.of(CUSTOMER_ATTRIBUTE, List.of(user.customerId().toString())));
            if (password != null) {
                representation.put("credentials",
                        List.of(Map.of("type", "password", "value", password, "temporary", temporary)));
            }
            ResponseEntity<Void> created;
            try {
                created = http.post()
                    .uri(users)
                    .headers(this::authorize)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(representation)
                    .retrieve()
                    .toBodilessEntity();
            }
            catch (HttpClientErrorException.Conflict ex) {
                if (ex.getResponseBodyAsString().toLowerCase().contains("email")) {
                    throw MasterdataProblem.EMAIL_TAKEN
                        .exception("Another user already has the e-mail address " + user.email() + ".");
                }
                throw MasterdataProblem.USERNAME_TAKEN
                    .exception("Another user already has the username '" + user.username() + "'.");
            }
            catch (HttpClientErrorException.BadRequest ex) {
                log.info("Keycloak refused user {}: {}", user.username(), ex.getResponseBodyAsString());
                throw MasterdataProblem.USER_REJECTED.exception("Keycloak refused the user: " + errorMessage(ex));
            }
            String location = String.valueOf(created.getHeaders().getLocation());
            String id = location.substring(location.lastIndexOf('/') + 1);
            try {
                addRealmRoles(id, List.of(user.role()));
                if (password == null) {
                    sendInvitation(id, user);
                }
            }
            catch (RuntimeException ex) {
                // Half a user (no role, or never told how to log in) is worse than none:
                // take it back.
                deleteQuietly(id);
                throw ex;
            }
            return id;
        });
    }

    @Override
    public List<DirectoryUser> list(UUID customerId, int first, int max) {
        return call("list users", () -> {
            List<Map<String, Object>> found = http.get()
                .uri(users + "?q={q}&first={first}&max={max}&briefRepresentation=false",
                        CUSTOMER_ATTRIBUTE + ":" + customerId, first, max)
                .headers(this::authorize)
                .retrieve()
                .body(ARRAY);
            List<DirectoryUser> result = new ArrayList<>();
            for (Map<String, Object> user : found == null ? List.<Map<String, Object>>of() : found) {
                DirectoryUser mapped = map(user, realmRoles(String.valueOf(user.get("id"))));
                // Keycloak's attribute search is exact today; the check keeps it so if
                // that ever changes.
                if (customerId.equals(mapped.customerId())) {
                    result.add(mapped);
                }
            }
            return result;
        });
    }

    @Override
    public Optional<DirectoryUser> find(String id) {
        return call("read user", () -> {
            try {
                Map<String, Object> user = http.get()
                    .uri(users + "/{id}", id)
                    .headers(this::authorize)
                    .retrieve()
                    .body(OBJECT);
                return Optional.ofNullable(user).map(found -> map(found, realmRoles(id)));
            }
            catch (HttpClientErrorException.NotFound ex) {
                return Optional.empty();
            }
        });
    }

    @Override
    public void setRole(String id, String role) {
        call("change role", () -> {
            List<String> current = realmRoles(id);
            List<String> remove = current.stream().filter(name -> !name.equals(role)).toList();
            if (!current.contains(role)) {
                addRealmRoles(id, List.of(role));
            }
            if (!remove.isEmpty()) {
                http.method(HttpMethod.DELETE)
                    .uri(users + "/{id}/role-mappings/realm", id)
                    .headers(this::authorize)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(roleRepresentations(remove))
                    .retrieve()
                    .toBodilessEntity();
            }
            return null;
        });
    }

    @Override
    public void setEnabled(String id, boolean enabled) {
        call(enabled ? "enable user" : "disable user", () -> {
            // A full read-modify-write: a partial representation could clear profile
            // attributes.
            Map<String, Object> user = http.get()
                .uri(users + "/{id}", id)
                .headers(this::authorize)
                .retrieve()
                .body(OBJECT);
            Map<String, Object> changed = new LinkedHashMap<>(user);
            changed.put("enabled", enabled);
            http.put()
                .uri(users + "/{id}", id)
                .headers(this::authorize)
                .contentType(MediaType.APPLICATION_JSON)
                .body(changed)
                .retrieve()
                .toBodilessEntity();
            return null;
        });
    }

    /**
     * Keycloak's "execute actions" e-mail with an "update password" link. Keycloak
     * answers 500 when its SMTP server refuses or cannot be reached (or none is
     * configured) and 400 when it will not send (no e-mail address, user disabled):
     * either way the invitation did not go out.
     */
    private void sendInvitation(String id, NewUser user) {
        try {
            http.put()
                .uri(users + "/{id}/execute-actions-email", id)
                .headers(this::authorize)
                .contentType(MediaType.APPLICATION_JSON)
                .body(List.of("UPDATE_PASSWORD"))
                .retrieve()
                .toBodilessEntity();
        }
        catch (HttpServerErrorException | HttpClientErrorException.BadRequest ex) {
            log.warn("Keycloak could not send the invitation e-mail for user {} ({} {}); removing the user again",
                    user.username(), ex.getStatusCode(), ex.getResponseBodyAsString());
            throw MasterdataProblem.INVITATION_NOT_SENT
                .exception("The identity provider could not send the invitation e-mail to " + user.email()
                        + ", so the user was not created. Check the realm's e-mail (SMTP) settings, or try again"
                        + " later.");
        }
    }

    private void addRealmRoles(String id, Collection<String> roles) {
        http.post()
            .uri(users + "/{id}/role-mappings/realm", id)
            .headers(this::authorize)
            .contentType(MediaType.APPLICATION_JSON)
            .body(roleRepresentations(roles))
            .retrieve()
            .toBodilessEntity();
    }

    private List<Map<String, Object>> roleRepresentations(Collection<String> roles) {
        Map<String, Map<String, Object>> catalog = roleCatalog();
        return roles.stream().map(catalog::get).toList();
    }

    /**
     * The EDP roles mapped directly to a user. Keycloak shows realm roles themselves
     * (also in {@code role-mappings/realm}) only to holders of {@code view-realm}, which
     * masterdata does not need otherwise; the roles a user could still be given
     * ({@code realm/available}) need only {@code view-users}, and an EDP role missing
     * there is one the user has.
     */
    private List<String> realmRoles(String id) {
        Set<String> available = availableRoles(id).stream()
            .map(role -> String.valueOf(role.get("name")))
            .collect(Collectors.toSet());
        return roleCatalog().keySet().stream().filter(role -> !available.contains(role)).toList();
    }

    private List<Map<String, Object>> availableRoles(String id) {
        List<Map<String, Object>> roles = http.get()
            .uri(users + "/{id}/role-mappings/realm/available", id)
            .headers(this::authorize)
            .retrieve()
            .body(ARRAY);
        return roles == null ? List.of() : roles;
    }

    /**
     * The EDP realm roles with their ids (which role mappings need), read once from the
     * roles available to masterdata's own service account, which holds none of them.
     */
    private Map<String, Map<String, Object>> roleCatalog() {
        Map<String, Map<String, Object>> catalog = roleCatalog;
        if (catalog == null) {
            List<Map<String, Object>> self = http.get()
                .uri(users + "?username={username}&exact=true", "service-account-" + properties.clientId())
                .headers(this::authorize)
                .retrieve()
                .body(ARRAY);
            if (self == null || self.isEmpty()) {
                throw new RestClientException("no service account user for client " + properties.clientId());
            }
            Map<String, Map<String, Object>> found = new LinkedHashMap<>();
            for (Map<String, Object> role : availableRoles(String.valueOf(self.getFirst().get("id")))) {
                found.put(String.valueOf(role.get("name")), role);
            }
            catalog = new LinkedHashMap<>();
            for (String role : ROLES) {
                if (!found.containsKey(role)) {
                    throw new RestClientException("realm role " + role + " is missing, or mapped to the service"
                            + " account of " + properties.clientId());
                }
                catalog.put(role, Map.of("id", found.get(role).get("id"), "name", role));
            }
            roleCatalog = catalog;
        }
        return catalog;
    }

    private void deleteQuietly(String id) {
        try {
            http.delete().uri(users + "/{id}", id).headers(this::authorize).retrieve().toBodilessEntity();
        }
        catch (RestClientException | ServiceCallException ex) {
            log.warn("Could not remove half-created Keycloak user {}: {}", id, ex.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static DirectoryUser map(Map<String, Object> user, List<String> realmRoles) {
        UUID customer = null;
        if (user.get("attributes") instanceof Map<?, ?> attributes
                && attributes.get(CUSTOMER_ATTRIBUTE) instanceof List<?> values && !values.isEmpty()) {
            try {
                customer = UUID.fromString(String.valueOf(values.getFirst()));
            }
            catch (IllegalArgumentException ex) {
                // A malformed attribute belongs to no customer.
            }
        }
        String role = ROLES.stream().filter(realmRoles::contains).findFirst().orElse(null);
        Instant created = user.get("createdTimestamp") instanceof Number millis
                ? Instant.ofEpochMilli(millis.longValue()) : null;
        return new DirectoryUser(String.valueOf(user.get("id")), (String) user.get("username"),
                (String) user.get("email"), (String) user.get("firstName"), (String) user.get("lastName"),
                Boolean.TRUE.equals(user.get("enabled")), customer, role, created);
    }

    /**
     * Runs one operation against Keycloak. A 401 means the cached token was revoked or
     * Keycloak restarted: the operation is retried once with a new token.
     */
    private <T> T call(String action, Supplier<T> operation) {
        if (properties.clientSecret().isBlank()) {
            log.warn("Cannot {}: edp.keycloak.client-secret (EDP_MASTERDATA_CLIENT_SECRET) is not set", action);
            throw unavailable("User management is not configured on this masterdata instance.");
        }
        try {
            try {
                return operation.get();
            }
            catch (HttpClientErrorException.Unauthorized ex) {
                tokens.invalidate();
                return operation.get();
            }
        }
        catch (EdpException ex) {
            throw ex;
        }
        catch (ServiceCallException ex) {
            log.warn("Cannot {}: no token for client {} from Keycloak at {}: {}", action, properties.clientId(),
                    properties.serverUrl(), ex.getMessage());
            throw unavailable(
                    ex.getCause() == null ? "Masterdata is not allowed to manage users in the identity provider."
                            : "The identity provider cannot be reached. Try again later.");
        }
        catch (ResourceAccessException ex) {
            log.warn("Cannot {}: Keycloak at {} is unreachable: {}", action, properties.serverUrl(), ex.getMessage());
            throw unavailable("The identity provider cannot be reached. Try again later.");
        }
        catch (HttpClientErrorException.Unauthorized | HttpClientErrorException.Forbidden ex) {
            log.error(
                    "Cannot {}: Keycloak refused client {} ({}); check its secret and its service account's"
                            + " realm-management roles manage-users, view-users, query-users",
                    action, properties.clientId(), ex.getMessage());
            throw unavailable("Masterdata is not allowed to manage users in the identity provider.");
        }
        catch (HttpClientErrorException.NotFound ex) {
            throw NotFound.withDetail("The user was not found in the identity provider.");
        }
        catch (HttpServerErrorException ex) {
            log.warn("Cannot {}: Keycloak answered {} {}", action, ex.getStatusCode(), ex.getResponseBodyAsString());
            throw unavailable("The identity provider failed. Try again later.");
        }
        catch (RestClientException ex) {
            log.warn("Cannot {}: unexpected answer from Keycloak: {}", action, ex.getMessage());
            throw MasterdataProblem.IDENTITY_PROVIDER_ERROR
                .exception("The identity provider gave an unexpected answer.");
        }
    }

    private void authorize(org.springframework.http.HttpHeaders headers) {
        headers.setBearerAuth(tokens.accessToken());
    }

    private static String errorMessage(HttpClientErrorException ex) {
        try {
            Map<String, Object> body = ex.getResponseBodyAs(OBJECT);
            if (body != null) {
                Object message = body.getOrDefault("errorMessage", body.get("error"));
                if (message != null) {
                    return String.valueOf(message);
                }
            }
        }
        catch (RuntimeException ignored) {
            // Not JSON: fall through.
        }
        return "invalid user data";
    }

    private static EdpException unavailable(String detail) {
        return PlatformProblem.IDENTITY_PROVIDER_UNAVAILABLE.exception(detail)
            .retryAfter(PlatformProblem.IDENTITY_PROVIDER_RETRY_AFTER_SECONDS);
    }

}
