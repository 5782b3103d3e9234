package dev.edp.platform.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Client-credentials tokens from the identity provider's token endpoint, kept until 30 s
 * before they expire, so a busy relay asks Keycloak about once per token lifetime.
 */
public class ClientCredentialsTokenSource implements ServiceTokenSource {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Duration MARGIN = Duration.ofSeconds(30);

    private final URI tokenUri;

    private final String clientId;

    private final String clientSecret;

    private final HttpClient http;

    private final Clock clock;

    private String token;

    private Instant refreshAfter = Instant.MIN;

    /**
     * @param tokenUri the token endpoint
     * @param clientId the client id
     * @param clientSecret the client secret (blank: no token can be had)
     * @param clock the clock
     */
    public ClientCredentialsTokenSource(URI tokenUri, String clientId, String clientSecret, Clock clock) {
        this.tokenUri = tokenUri;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    @Override
    public synchronized String accessToken() {
        Instant now = clock.instant();
        if (token != null && now.isBefore(refreshAfter)) {
            return token;
        }
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new ServiceCallException("no secret is configured for the service client '" + clientId
                    + "' (edp.service-client.client-secret / EDP_SERVICES_CLIENT_SECRET)", null);
        }
        String form = "grant_type=client_credentials&client_id=" + encode(clientId) + "&client_secret="
                + encode(clientSecret);
        HttpRequest request = HttpRequest.newBuilder(tokenUri)
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new ServiceCallException("the token endpoint " + tokenUri + " answered " + response.statusCode()
                        + " for the service client '" + clientId + "'", null);
            }
            Map<?, ?> body = JSON.readValue(response.body(), Map.class);
            if (!(body.get("access_token") instanceof String accessToken)) {
                throw new ServiceCallException("the token endpoint " + tokenUri + " answered without an access token",
                        null);
            }
            long expiresIn = body.get("expires_in") instanceof Number seconds ? seconds.longValue() : 60;
            token = accessToken;
            refreshAfter = now.plusSeconds(expiresIn).minus(MARGIN);
            return token;
        }
        catch (IOException | JacksonException ex) {
            throw new ServiceCallException("the token endpoint " + tokenUri + " cannot be reached: "
                    + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ServiceCallException("interrupted while fetching a service token", ex);
        }
    }

    /**
     * Forgets the kept token, so the next {@link #accessToken()} fetches a new one: for a
     * caller whose request was refused with 401 (the token was revoked, or the identity
     * provider restarted with new keys) before it expired.
     */
    public synchronized void invalidate() {
        token = null;
        refreshAfter = Instant.MIN;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
