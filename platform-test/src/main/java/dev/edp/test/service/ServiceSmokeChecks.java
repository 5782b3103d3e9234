package dev.edp.test.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.TestRealm;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks every service's smoke test makes, in one place: its schema is migrated, it
 * is ready and exposes Prometheus metrics on the management port, it answers through its
 * API prefix, and errors are problem details. Uses a plain HTTP client against the real
 * server.
 */
public class ServiceSmokeChecks {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Plain HTTP/1.1, so that a body of unknown length goes chunked. */
    private static final HttpClient HTTP_1_1 = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private final Environment environment;

    private final ObjectProvider<DataSource> dataSource;

    ServiceSmokeChecks(Environment environment, ObjectProvider<DataSource> dataSource) {
        this.environment = environment;
        this.dataSource = dataSource;
    }

    /**
     * @return base URL of the application port
     */
    public String baseUrl() {
        return "http://localhost:" + environment.getRequiredProperty("local.server.port");
    }

    /**
     * @return base URL of the management (actuator) port
     */
    public String managementUrl() {
        return "http://localhost:" + environment.getRequiredProperty("local.management.port");
    }

    /**
     * Sends a request and returns the response.
     * @param method HTTP method
     * @param url absolute URL
     * @param contentType content type of the body, or null
     * @param body request body, or null
     * @return the response with its body as a string
     */
    public static HttpResponse<String> send(String method, String url, String contentType, String body) {
        return send(method, url, contentType, body, null);
    }

    /**
     * Sends a request with a bearer token and returns the response.
     * @param method HTTP method
     * @param url absolute URL
     * @param contentType content type of the body, or null
     * @param body request body, or null
     * @param bearerToken access token, or null for none
     * @return the response with its body as a string
     */
    public static HttpResponse<String> send(String method, String url, String contentType, String body,
            String bearerToken) {
        return send(method, url, contentType, body, bearerToken, Map.of());
    }

    /**
     * Sends a request with a bearer token and further headers and returns the response.
     * @param method HTTP method
     * @param url absolute URL
     * @param contentType content type of the body, or null
     * @param body request body, or null
     * @param bearerToken access token, or null for none
     * @param headers further headers, such as {@code If-Match}
     * @return the response with its body as a string
     */
    public static HttpResponse<String> send(String method, String url, String contentType, String body,
            String bearerToken, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(90))
            .method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        headers.forEach(request::header);
        CompletableFuture<HttpResponse<String>> response = HTTP.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            try {
                return response.get(75, TimeUnit.SECONDS);
            }
            catch (TimeoutException ex) {
                // No answer yet (the app is almost always in this JVM): show
                // where both sides stand while the connection is still open
                // (the client closes it at the 90 s timeout), then wait for it.
                printThreadsAndSockets(method + " " + url);
                return response.get();
            }
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            throw new IllegalStateException(method + " " + url + " failed: " + cause.getMessage(), cause);
        }
        catch (InterruptedException ex) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Prints every thread's stack and this JVM's TCP sockets ({@code ss}: a request that
     * a server in this JVM never read shows as a non-zero Recv-Q on the server's side).
     * @param request what got no answer
     */
    private static void printThreadsAndSockets(String request) {
        System.err.println("No answer to " + request + " within 75 s; threads of this JVM:");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            System.err.println("\"" + thread.getName() + "\" " + thread.getState());
            for (StackTraceElement frame : stack) {
                System.err.println("    at " + frame);
            }
        });
        String pid = "pid=" + ProcessHandle.current().pid() + ",";
        try {
            Process ss = new ProcessBuilder("ss", "-tanpo").redirectErrorStream(true).start();
            System.err.println("TCP sockets of this JVM (ss -tanpo):");
            new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("State") || line.contains(pid))
                .forEach(System.err::println);
        }
        catch (IOException ex) {
            System.err.println("ss failed: " + ex);
        }
    }

    /**
     * Sends a body as raw bytes (which need not be valid UTF-8), with a
     * {@code Content-Length} or chunked (without one), and returns the response.
     * @param method HTTP method
     * @param url absolute URL
     * @param contentType content type of the body
     * @param body the bytes
     * @param chunked whether to send it without {@code Content-Length}
     * @param bearerToken access token, or null for none
     * @param headers further headers
     * @return the response with its body as a string
     */
    public static HttpResponse<String> sendBytes(String method, String url, String contentType, byte[] body,
            boolean chunked, String bearerToken, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", contentType)
            .method(method, chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                    : HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        headers.forEach(request::header);
        try {
            return HTTP_1_1.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException ex) {
            throw new IllegalStateException(method + " " + url + " failed: " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Asserts that a response is an RFC 9457 problem with the given status and code.
     * @param response the response
     * @param status expected status
     * @param code expected EDP code
     */
    public static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        String body = response.body();
        assertThat(JsonPath.<Integer>read(body, "$.status")).isEqualTo(status);
        assertThat(JsonPath.<String>read(body, "$.code")).isEqualTo(code);
        assertThat(JsonPath.<String>read(body, "$.type"))
            .isEqualTo("https://edp.dev/problems/" + code.toLowerCase().replace('_', '-'));
        assertThat(JsonPath.<String>read(body, "$.title")).isNotBlank();
        assertThat(body).doesNotContain("Exception", "at java.", "at org.springframework", "trace");
    }

    /**
     * Asserts how a service answers an access token while its Keycloak is down and the
     * realm's keys were never fetched: 503 {@code IDENTITY_PROVIDER_UNAVAILABLE} with
     * {@code Retry-After} (the token cannot be checked, which is no fault of the caller;
     * never a 500, never a 401); once Keycloak is back the same token is accepted, and a
     * token of a key the realm never published is a 401.
     * @param realm the service's realm, reachable; cut and restored here
     * @param url an API URL that answers 200 to an operator of some customer
     * @throws IOException if the realm's port cannot be bound again
     */
    public static void assertTokensCannotBeCheckedWhileKeycloakIsDown(TestRealm realm, String url) throws IOException {
        String token = realm.token("olga", UUID.randomUUID(), "operator");
        realm.cut();

        HttpResponse<String> response = send("GET", url, null, null, token);

        assertProblem(response, 503, "IDENTITY_PROVIDER_UNAVAILABLE");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(response.body()).contains("the access token cannot be checked");

        realm.restore();
        assertThat(send("GET", url, null, null, token).statusCode()).isEqualTo(200);
        assertProblem(send("GET", url, null, null, realm.tokenOfUnknownKey("eve")), 401, "UNAUTHORIZED");
    }

    /**
     * Asserts that Flyway migrated the schema in the service's database and the pool
     * works in it.
     * @param schema the service's schema
     */
    public void assertMigratedSchema(String schema) {
        DataSource source = dataSource.getObject();
        try (Connection connection = source.getConnection(); Statement statement = connection.createStatement()) {
            assertThat(connection.getSchema()).isEqualTo(schema);
            List<String> versions = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery(
                    "SELECT version FROM " + schema + ".flyway_schema_history WHERE success ORDER BY installed_rank")) {
                while (rows.next()) {
                    versions.add(rows.getString(1));
                }
            }
            assertThat(versions).as("applied migrations in schema " + schema).contains("1");
            try (ResultSet rows = statement
                .executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
                rows.next();
                assertThat(rows.getInt(1)).as("tables outside the service's schema").isZero();
            }
        }
        catch (SQLException ex) {
            throw new AssertionError("database check failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * Asserts readiness and liveness are UP and Prometheus metrics carry the common tags.
     * @param application the application name expected in the metric tags
     */
    public void assertReadyWithMetrics(String application) {
        for (String probe : List.of("readiness", "liveness")) {
            HttpResponse<String> health = send("GET", managementUrl() + "/actuator/health/" + probe, null, null);
            assertThat(health.statusCode()).as(probe).isEqualTo(200);
            assertThat(JsonPath.<String>read(health.body(), "$.status")).isEqualTo("UP");
        }
        HttpResponse<String> metrics = send("GET", managementUrl() + "/actuator/prometheus", null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("application=\"" + application + "\"");
        HttpResponse<String> info = send("GET", managementUrl() + "/actuator/info", null, null);
        assertThat(JsonPath.<String>read(info.body(), "$.build.artifact")).isEqualTo(application);
    }

    /**
     * Asserts the management port gives anonymous callers the health status only and
     * refuses them (and users, even platform admins) every non-read operation, while the
     * platform's service client ({@code platform-service}) sees the health details.
     */
    public void assertManagementPortGuarded() {
        HttpResponse<String> anonymous = send("GET", managementUrl() + "/actuator/health", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<Map<String, Object>>read(anonymous.body(), "$")).containsKey("status")
            .doesNotContainKeys("components", "details");
        HttpResponse<String> service = send("GET", managementUrl() + "/actuator/health", null, null,
                TestJwtIssuer.serviceToken());
        assertThat(JsonPath.<Map<String, Object>>read(service.body(), "$")).containsKey("components");
        assertProblem(send("POST", managementUrl() + "/actuator/health", "application/json", "{}"), 401,
                "UNAUTHORIZED");
        assertProblem(send("POST", managementUrl() + "/actuator/health", "application/json", "{}",
                TestJwtIssuer.token("root", null, "platform-admin")), 403, "FORBIDDEN");
    }

    /**
     * Asserts the status endpoint under the API prefix answers.
     * @param prefix the service's API prefix
     * @param application its name
     */
    public void assertStatusEndpoint(String prefix, String application) {
        HttpResponse<String> response = send("GET", baseUrl() + prefix + "/v1/status", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(response.body(), "$.service")).isEqualTo(application);
        assertThat(JsonPath.<String>read(response.body(), "$.status")).isEqualTo("UP");
    }

    /**
     * Asserts an unknown path gives an authenticated caller a 404 problem.
     * @param path a path the service does not serve
     */
    public void assertUnknownPathIsProblem(String path) {
        String token = TestJwtIssuer.token("vera", UUID.randomUUID(), "viewer");
        assertProblem(send("GET", baseUrl() + path, null, null, token), 404, "NOT_FOUND");
    }

    /**
     * Asserts the API refuses callers without a valid token with a 401 problem.
     * @param path any API path of the service
     */
    public void assertApiRequiresValidToken(String path) {
        UUID customer = UUID.randomUUID();
        assertProblem(send("GET", baseUrl() + path, null, null), 401, "UNAUTHORIZED");
        assertProblem(send("GET", baseUrl() + path, null, null,
                TestJwtIssuer.forgedToken("mallory", customer, "platform-admin")), 401, "UNAUTHORIZED");
        assertProblem(send("GET", baseUrl() + path, null, null, TestJwtIssuer.expiredToken("vera", customer, "viewer")),
                401, "UNAUTHORIZED");
    }

}
