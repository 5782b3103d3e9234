package dev.edp.systemtest;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A minimal browser for login flows: keeps cookies per host and port and follows
 * redirects itself. (Java's cookie manager drops cookies that Keycloak marks
 * {@code Secure} on plain-HTTP localhost, which a real browser keeps for localhost.)
 */
final class Browser {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"",
            Pattern.CASE_INSENSITIVE);

    private final HttpClient http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private final Map<String, Map<String, String>> cookies = new LinkedHashMap<>();

    /** The last page a navigation ended on. */
    record Page(URI uri, int status, String body) {

        String formAction() {
            Matcher matcher = FORM_ACTION.matcher(body);
            if (!matcher.find()) {
                throw new AssertionError("No form on " + uri + ":\n" + body);
            }
            return matcher.group(1).replace("&amp;", "&");
        }
    }

    /** GET, following redirects. */
    Page get(String url) {
        return follow(HttpRequest.newBuilder(URI.create(url)).GET(), URI.create(url));
    }

    /** POST a form, following redirects. */
    Page postForm(String url, Map<String, String> fields) {
        String body = fields.entrySet()
            .stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        return follow(HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)), URI.create(url));
    }

    /**
     * One request without following redirects, with this browser's cookies and extra
     * headers.
     */
    HttpResponse<String> send(String method, String url, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return exchange(request, URI.create(url));
    }

    /**
     * @return the value of a cookie this browser holds for a host:port, or null
     */
    String cookie(String url, String name) {
        return cookies.getOrDefault(origin(URI.create(url)), Map.of()).get(name);
    }

    /**
     * Puts a cookie into the jar, as a browser that got it from another replica would
     * send it.
     */
    void setCookie(String url, String name, String value) {
        cookies.computeIfAbsent(origin(URI.create(url)), key -> new LinkedHashMap<>()).put(name, value);
    }

    private Page follow(HttpRequest.Builder first, URI uri) {
        HttpResponse<String> response = exchange(first, uri);
        for (int hops = 0; hops < 15; hops++) {
            int status = response.statusCode();
            if (status < 300 || status >= 400) {
                return new Page(uri, status, response.body());
            }
            uri = uri.resolve(response.headers().firstValue("Location").orElseThrow());
            response = exchange(HttpRequest.newBuilder(uri).GET(), uri);
        }
        throw new AssertionError("Too many redirects, last " + uri);
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request, URI uri) {
        Map<String, String> jar = cookies.getOrDefault(origin(uri), Map.of());
        if (!jar.isEmpty()) {
            request.header("Cookie",
                    jar.entrySet()
                        .stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            store(uri, response.headers().allValues("Set-Cookie"));
            return response;
        }
        catch (IOException ex) {
            throw new AssertionError(uri + " failed: " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    private void store(URI uri, List<String> setCookies) {
        Map<String, String> jar = cookies.computeIfAbsent(origin(uri), key -> new LinkedHashMap<>());
        for (String header : setCookies) {
            String pair = header.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            boolean expired = header.toLowerCase().contains("max-age=0") || value.isEmpty();
            if (expired) {
                jar.remove(name);
            }
            else {
                jar.put(name, value);
            }
        }
    }

    private static String origin(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }

}
