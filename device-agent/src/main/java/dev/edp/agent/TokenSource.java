package dev.edp.agent;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;

/** Where simulated devices get their onboarding tokens. */
public interface TokenSource {

    /**
     * @param deviceName the name the new device should get
     * @return a fresh onboarding token
     * @throws IOException if none can be had
     */
    String next(String deviceName) throws IOException;

    /**
     * Tokens from a file, one per line (blank lines and {@code #} comments ignored), each
     * used once.
     * @param file the file
     * @return the source
     * @throws IOException if unreadable
     */
    static TokenSource fromFile(Path file) throws IOException {
        Deque<String> tokens = new ArrayDeque<>();
        for (String line : Files.readAllLines(file)) {
            String token = line.strip();
            if (!token.isEmpty() && !token.startsWith("#")) {
                tokens.add(token);
            }
        }
        return name -> {
            synchronized (tokens) {
                if (tokens.isEmpty()) {
                    throw new IOException("No tokens left in " + file);
                }
                return tokens.poll();
            }
        };
    }

    /**
     * Tokens created on demand through the portal gateway
     * ({@code POST /api/onboarding/v1/tokens}) as an operator, with a bearer token from
     * Keycloak's client-credentials grant.
     * @param gateway the gateway, e.g. {@code http://localhost:8080}
     * @param tokenEndpoint Keycloak's token endpoint
     * @param clientId the client (an operator of the customer)
     * @param clientSecret its secret
     * @param customerId the customer the devices belong to
     * @param environment TESTING, STAGING or PRODUCTION
     * @return the source
     */
    static TokenSource gateway(URI gateway, URI tokenEndpoint, String clientId, String clientSecret, UUID customerId,
            String environment) {
        return new GatewayTokens(gateway, tokenEndpoint, clientId, clientSecret, customerId, environment);
    }

    /**
     * Creates tokens through the gateway; keeps the access token until shortly before it
     * expires.
     */
    final class GatewayTokens implements TokenSource {

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        private final URI gateway;

        private final URI tokenEndpoint;

        private final String clientId;

        private final String clientSecret;

        private final UUID customerId;

        private final String environment;

        private final AtomicInteger created = new AtomicInteger();

        private String accessToken;

        private Instant accessTokenExpires = Instant.EPOCH;

        GatewayTokens(URI gateway, URI tokenEndpoint, String clientId, String clientSecret, UUID customerId,
                String environment) {
            this.gateway = URI.create(gateway.toString().replaceAll("/+$", ""));
            this.tokenEndpoint = tokenEndpoint;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            this.customerId = customerId;
            this.environment = environment;
        }

        @Override
        public String next(String deviceName) throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("customerId", customerId);
            body.put("deviceName", deviceName);
            body.put("environment", environment);
            HttpResponse<String> response = send(
                    HttpRequest.newBuilder(URI.create(gateway + "/api/onboarding/v1/tokens"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + accessToken())
                        .POST(HttpRequest.BodyPublishers.ofString(E3Client.JSON.writeValueAsString(body)))
                        .build());
            if (response.statusCode() != 201) {
                throw new IOException(
                        "Creating an onboarding token answered " + response.statusCode() + ": " + response.body());
            }
            created.incrementAndGet();
            return E3Client.JSON.readTree(response.body()).path("token").asString();
        }

        private synchronized String accessToken() throws IOException {
            if (accessToken != null && Instant.now().isBefore(accessTokenExpires)) {
                return accessToken;
            }
            String basic = Base64.getEncoder()
                .encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                        + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = send(HttpRequest.newBuilder(tokenEndpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build());
            if (response.statusCode() != 200) {
                throw new IOException(
                        "Keycloak refused client " + clientId + ": " + response.statusCode() + " " + response.body());
            }
            JsonNode token = E3Client.JSON.readTree(response.body());
            accessToken = token.path("access_token").asString();
            accessTokenExpires = Instant.now().plusSeconds(Math.max(10, token.path("expires_in").asLong(60) - 30));
            return accessToken;
        }

        private HttpResponse<String> send(HttpRequest request) throws IOException {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ex);
            }
        }

    }

}
