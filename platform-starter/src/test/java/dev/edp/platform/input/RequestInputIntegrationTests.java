package dev.edp.platform.input;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.jayway.jsonpath.JsonPath;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's input rules through a real Tomcat and the real Spring MVC stack: what is
 * refused never reaches a controller, what is fine arrives unchanged.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "eureka.client.enabled=false", "spring.cloud.discovery.enabled=false",
                "spring.application.name=input-test", "edp.web.max-request-size=64KB",
                "edp.web.max-parameter-length=100" })
class RequestInputIntegrationTests {

    private static final HttpClient HTTP = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();

    private static final String TOKEN = TestJwtIssuer.token("olga", UUID.randomUUID(), "operator");

    static final AtomicInteger CALLS = new AtomicInteger();

    @Value("${local.server.port}")
    int port;

    @BeforeEach
    void reset() {
        CALLS.set(0);
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"name\":\"1.0\\u0000\"}|/name",
            "{\"outer\":{\"list\":[\"ok\",\"x\\u0000y\"]}}|/outer/list/1",
            "{\"labels\":{\"line\\u0000\":\"3\"}}|/labels", "{\"bad\\u0000key\":1}|", "{\"name\":\"\\ud800\"}|/name",
            "{\"name\":\"\\udc00 after a lone low surrogate\"}|/name", "{\"name\":\"\\ud800\\u0041\"}|/name",
            "[{\"a\":1},{\"a\":\"\\u0000\"}]|/1/a", "\"\\u0000\"|" })
    void jsonTextPostgresCannotStoreIsRefusedAtAnyDepthBeforeTheController(String bodyAndField) {
        String[] parts = bodyAndField.split("\\|", -1);
        HttpResponse<String> response = send("POST", "/things", "application/json", bytes(parts[0]));
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.in")).isEqualTo("body");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo(parts[1]);
        assertThat(CALLS).hasValue(0);
    }

    @Test
    void storableTextArrivesUnchangedIncludingSurrogatePairsAndOtherControlCharacters() {
        HttpResponse<String> response = send("POST", "/things", "application/json",
                bytes("{\"name\":\"\\ud83d\\ude00 caf\u00e9 \\u0001\",\"n\":[1,2]}"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(response.body(), "$.name")).isEqualTo("\ud83d\ude00 caf\u00e9 \u0001");
        assertThat(CALLS).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "C328", "C080", "EDA080", "FF", "F4908080", "E282" })
    void invalidUtf8BytesInAJsonBodyAreRefused(String hex) {
        byte[] prefix = "{\"name\":\"a".getBytes(StandardCharsets.US_ASCII);
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        byte[] suffix = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(bad, 0, body, prefix.length, bad.length);
        System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
        HttpResponse<String> response = send("POST", "/things", "application/json", body);
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.in")).isEqualTo("body");
        assertThat(CALLS).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"name\":\"a\",\"name\":\"b\"}", "{\"outer\":{\"list\":[],\"list\":[\"x\"]}}" })
    void aMemberNamedTwiceIsMalformedNotLastOneWins(String body) {
        assertProblem(send("POST", "/things", "application/json", bytes(body)), 400, "MALFORMED_REQUEST_BODY");
        assertThat(CALLS).hasValue(0);
    }

    @Test
    void brokenJsonIsStillSpringsMalformedBody() {
        assertProblem(send("POST", "/things", "application/json", bytes("{\"name\": ")), 400, "MALFORMED_REQUEST_BODY");
    }

    @ParameterizedTest
    @ValueSource(strings = { "q=%00", "q=abc%00def", "q=%ED%A0%80", "q=%C3%28", "q=%C0%80", "limit=5&q=%FF" })
    void queryParametersMustBeStorableText(String query) {
        HttpResponse<String> response = send("GET", "/things?" + query, null, null);
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.in")).isEqualTo("query");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("q");
        assertThat(CALLS).hasValue(0);
    }

    @Test
    void aParameterNameThatCannotBeStoredIsRefusedWithoutRepeatingIt() {
        HttpResponse<String> response = send("GET", "/things?x%00y=1", null, null);
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEmpty();
        assertThat(CALLS).hasValue(0);
    }

    @Test
    void storableQueryTextArrivesDecoded() {
        HttpResponse<String> response = send("GET", "/things?q=caf%C3%A9+au+lait%F0%9F%98%80", null, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(response.body(), "$.q")).isEqualTo("caf\u00e9 au lait\ud83d\ude00");
    }

    @Test
    void aQueryValueOverTheLengthLimitIsRefused() {
        assertThat(send("GET", "/things?q=" + "a".repeat(100), null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> response = send("GET", "/things?q=" + "a".repeat(101), null, null);
        assertProblem(response, 400, "PARAMETER_TOO_LONG");
        assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo("q");
        assertThat(CALLS).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/things/a%00b", "/things/%ED%A0%80", "/things/%C3%28" })
    void pathVariablesMustBeStorableTextWhetherTomcatOrTheFilterRefusesThem(String path) {
        HttpResponse<String> response = send("GET", path, null, null);
        assertProblem(response, 400, "INVALID_TEXT");
        assertThat(JsonPath.<String>read(response.body(), "$.in")).isEqualTo("path");
        assertThat(CALLS).hasValue(0);
    }

    @Test
    void badlyTypedParametersAreInvalidParameterNamingThem() {
        for (String query : List.of("limit=ten", "limit=99999999999", "owner=not-a-uuid", "color=PURPLE")) {
            String name = query.substring(0, query.indexOf('='));
            HttpResponse<String> response = send("GET", "/things?" + query, null, null);
            assertProblem(response, 400, "INVALID_PARAMETER");
            assertThat(JsonPath.<String>read(response.body(), "$.field")).isEqualTo(name);
            assertThat(response.body()).doesNotContain("PURPLE", "not-a-uuid");
        }
        assertThat(CALLS).hasValue(0);
    }

    @Test
    void aBodyDeclaredLargerThanTheLimitIsRefusedBeforeItIsRead() {
        byte[] body = bytes("{\"name\":\"" + "a".repeat(70 * 1024) + "\"}");
        HttpResponse<String> response = send("POST", "/things", "application/json", body);
        assertProblem(response, 413, "REQUEST_TOO_LARGE");
        assertThat(CALLS).hasValue(0);
    }

    @Test
    void aChunkedJsonBodyOverTheLimitIsRefusedWhileReading() {
        byte[] body = bytes("{\"name\":\"" + "a".repeat(70 * 1024) + "\"}");
        HttpResponse<String> response = sendChunked("/things", "application/json", body);
        assertProblem(response, 413, "REQUEST_TOO_LARGE");
        assertThat(CALLS).hasValue(0);
    }

    @Test
    void aChunkedBinaryBodyOverTheLimitIsRefusedWhileTheControllerStreamsIt() {
        HttpResponse<String> response = sendChunked("/upload", "application/octet-stream", new byte[70 * 1024]);
        assertProblem(response, 413, "REQUEST_TOO_LARGE");
        assertThat(CALLS).hasValue(1);
    }

    @Test
    void bodiesWithinTheLimitPassWithOrWithoutContentLength() {
        byte[] json = bytes("{\"name\":\"" + "a".repeat(60 * 1024) + "\"}");
        assertThat(send("POST", "/things", "application/json", json).statusCode()).isEqualTo(200);
        assertThat(sendChunked("/things", "application/json", json).statusCode()).isEqualTo(200);
        HttpResponse<String> upload = sendChunked("/upload", "application/octet-stream", new byte[60 * 1024]);
        assertThat(upload.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<Integer>read(upload.body(), "$.bytes")).isEqualTo(60 * 1024);
        assertThat(CALLS).hasValue(3);
    }

    @Test
    void aTextBodyReadThroughSpringIsLimitedToo() {
        HttpResponse<String> response = sendChunked("/text", "text/plain", new byte[70 * 1024]);
        assertProblem(response, 413, "REQUEST_TOO_LARGE");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + TOKEN)
            .method(method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return exchange(request.build());
    }

    /** Without Content-Length: the JDK client sends a body of unknown length chunked. */
    private HttpResponse<String> sendChunked(String path, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
        return exchange(request);
    }

    private static HttpResponse<String> exchange(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    enum Color {

        RED, GREEN

    }

    @RestController
    static class Things {

        @PostMapping("/things")
        Map<String, Object> create(@RequestBody Map<String, Object> body) {
            CALLS.incrementAndGet();
            return body;
        }

        @GetMapping("/things")
        Map<String, Object> list(@RequestParam(required = false) String q,
                @RequestParam(required = false) Integer limit, @RequestParam(required = false) UUID owner,
                @RequestParam(required = false) Color color) {
            CALLS.incrementAndGet();
            return q == null ? Map.of() : Map.of("q", q);
        }

        @GetMapping("/things/{name}")
        Map<String, Object> get(@PathVariable String name) {
            CALLS.incrementAndGet();
            return Map.of("name", name);
        }

        @PostMapping(path = "/upload", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
        Map<String, Object> upload(InputStream body) throws IOException {
            CALLS.incrementAndGet();
            return Map.of("bytes", body.readAllBytes().length);
        }

        @PostMapping(path = "/text", consumes = MediaType.TEXT_PLAIN_VALUE)
        Map<String, Object> text(@RequestBody String body) {
            CALLS.incrementAndGet();
            return Map.of("chars", body.length());
        }

    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Things.class)
    static class App {

    }

}
