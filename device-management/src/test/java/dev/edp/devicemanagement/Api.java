package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls the device-management API of the service under test over real HTTP, as a client would. */
public final class Api {

    /** A platform admin's token (no customer). */
    public static final String ROOT = TestJwtIssuer.token("root", null, "platform-admin");


    private final String baseUrl;

    /** @param checks the service's smoke checks, which know its port */
    public Api(ServiceSmokeChecks checks) {
        this.baseUrl = checks.baseUrl() + "/api/devices/v1";
    }

    /** @return the API's base URL, ending in {@code /v1} */
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
     * @param path path below {@code /api/devices/v1}, with query
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
     * Registers a pending device as an operator of the customer.
     * @param customer the customer
     * @param name device name
     * @return its id
     */
    public UUID registerDevice(UUID customer, String name) {
        HttpResponse<String> response = post("/devices", operator(customer), """
                {"name":"%s","labels":{"line":"3"}}""".formatted(name));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(read(response, "$.id"));
    }

    /** @return an operator's token for the customer */
    public static String operator(UUID customer) {
        return TestJwtIssuer.token("otto", customer, "operator");
    }

    /** @return a viewer's token for the customer */
    public static String viewer(UUID customer) {
        return TestJwtIssuer.token("vera", customer, "viewer");
    }

    /** @return a customer admin's token for the customer */
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
        return JsonPath.using(Configuration.defaultConfiguration().addOptions(Option.DEFAULT_PATH_LEAF_TO_NULL))
                .parse(response.body()).read(path);
    }

    /**
     * @param response a page of a list
     * @return its next cursor, or null on the last page
     */
    public static String nextCursor(HttpResponse<String> response) {
        return JsonPath.using(Configuration.defaultConfiguration().addOptions(Option.DEFAULT_PATH_LEAF_TO_NULL))
                .parse(response.body()).read("$.nextCursor");
    }

    /**
     * @param response a response
     * @return its ETag header
     */
    public static String etag(HttpResponse<String> response) {
        return response.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag"));
    }
}
