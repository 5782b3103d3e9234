package dev.edp.test.service;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import dev.edp.test.security.TestJwtIssuer;

/**
 * Calls a service's API under test over real HTTP, as a client would, with test tokens of
 * the realm's roles. A service's tests extend it with their own create helpers.
 */
public class ServiceApi {

    private static final Configuration LENIENT = Configuration.defaultConfiguration()
        .addOptions(Option.DEFAULT_PATH_LEAF_TO_NULL);

    private final String baseUrl;

    /**
     * @param checks the service's smoke checks, which know its port
     * @param apiPath the API's path, e.g. {@code /api/masterdata/v1}
     */
    protected ServiceApi(ServiceSmokeChecks checks, String apiPath) {
        this.baseUrl = checks.baseUrl() + apiPath;
    }

    /**
     * @return the API's base URL, ending in {@code /v1}
     */
    public String baseUrl() {
        return baseUrl;
    }

    public HttpResponse<String> get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    public HttpResponse<String> post(String path, String token, String json) {
        return send("POST", path, token, json, null);
    }

    public HttpResponse<String> put(String path, String token, String json, String ifMatch) {
        return send("PUT", path, token, json, ifMatch);
    }

    public HttpResponse<String> patch(String path, String token, String json, String ifMatch) {
        return send("PATCH", path, token, json, ifMatch);
    }

    public HttpResponse<String> delete(String path, String token, String ifMatch) {
        return send("DELETE", path, token, null, ifMatch);
    }

    /**
     * @param method HTTP method
     * @param path path below the API's base URL, with query
     * @param token bearer token, or null
     * @param json JSON body, or null
     * @param ifMatch {@code If-Match} header, or null
     * @return the response
     */
    public HttpResponse<String> send(String method, String path, String token, String json, String ifMatch) {
        return ServiceSmokeChecks.send(method, baseUrl + path, json == null ? null : "application/json", json, token,
                ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch));
    }

    /**
     * A platform admin's token (no customer), minted per call like every token here, so a
     * long test run never holds one past its five minutes.
     * @return the token
     */
    public static String root() {
        return TestJwtIssuer.token("root", null, "platform-admin");
    }

    /**
     * Sends raw bytes, e.g. a JSON body that is not valid UTF-8 or one too large for the
     * service.
     * @param method HTTP method
     * @param path path below the API's base URL, with query
     * @param token bearer token, or null
     * @param contentType the body's content type
     * @param body the bytes
     * @param chunked whether to send the body without {@code Content-Length}
     * @return the response
     */
    public HttpResponse<String> sendBytes(String method, String path, String token, String contentType, byte[] body,
            boolean chunked) {
        return ServiceSmokeChecks.sendBytes(method, baseUrl + path, contentType, body, chunked, token, Map.of());
    }

    /**
     * @return an operator's token for the customer
     */
    public static String operator(UUID customer) {
        return TestJwtIssuer.token("otto", customer, "operator");
    }

    /**
     * @return a viewer's token for the customer
     */
    public static String viewer(UUID customer) {
        return TestJwtIssuer.token("vera", customer, "viewer");
    }

    /**
     * @return a customer admin's token for the customer
     */
    public static String customerAdmin(UUID customer) {
        return TestJwtIssuer.token("ada", customer, "customer-admin");
    }

    /**
     * @param response a JSON response
     * @param path a JSON path
     * @param <T> the value's type
     * @return the value
     */
    public static <T> T read(HttpResponse<String> response, String path) {
        return JsonPath.read(response.body(), path);
    }

    /**
     * @param response a JSON response
     * @param path a JSON path
     * @return the value, or null when it is absent (null members are not written)
     */
    public static Object readOrNull(HttpResponse<String> response, String path) {
        return JsonPath.using(LENIENT).parse(response.body()).read(path);
    }

    /**
     * @param response a page of a list
     * @return its next cursor, or null on the last page
     */
    public static String nextCursor(HttpResponse<String> response) {
        return JsonPath.using(LENIENT).parse(response.body()).read("$.nextCursor");
    }

    /**
     * @param response a response
     * @return its ETag header
     */
    public static String etag(HttpResponse<String> response) {
        return response.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag"));
    }

}
