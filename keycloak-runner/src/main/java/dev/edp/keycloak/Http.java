package dev.edp.keycloak;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The small HTTP and JSON plumbing shared by the admin and token clients.
 */
final class Http {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private static final TypeReference<List<Map<String, Object>>> ARRAY = new TypeReference<>() {
    };

    private Http() {
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request, String action) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException ex) {
            throw new KeycloakException(action + " failed: " + request.method() + " " + request.uri(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new KeycloakException(action + " interrupted", ex);
        }
    }

    static HttpResponse<String> expect(HttpResponse<String> response, String action, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new KeycloakException(action + " failed", response.statusCode(), response.body());
    }

    static HttpRequest.BodyPublisher form(Map<String, String> fields) {
        String body = fields.entrySet()
            .stream()
            .map((field) -> encode(field.getKey()) + "=" + encode(field.getValue()))
            .collect(Collectors.joining("&"));
        return HttpRequest.BodyPublishers.ofString(body);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static Map<String, Object> object(String json) {
        return JSON.readValue(json, OBJECT);
    }

    static List<Map<String, Object>> array(String json) {
        return JSON.readValue(json, ARRAY);
    }

    static String write(Object value) {
        return JSON.writeValueAsString(value);
    }

    static URI resolve(URI baseUrl, String path) {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

}
