package dev.edp.platform.input;

import java.nio.charset.StandardCharsets;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.json.JsonFactory;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The servlet filter on its own, for what a real HTTP client or Tomcat will not send
 * (header values with U+0000, broken percent-encoding);
 * {@link RequestInputIntegrationTests} covers the rest through a real server.
 */
class RequestInputFilterTests {

    private final RequestInputFilter filter = new RequestInputFilter(
            new WebInputProperties(DataSize.ofKilobytes(1), 50, null), JsonFactory.builder().build());

    @ParameterizedTest
    @ValueSource(strings = { "Last-Event-ID", "If-Match", "If-None-Match", "X-Anything" })
    void headerValuesMustBeStorableText(String header) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/things");
        request.addHeader(header, "\"1\u0000\"");
        String problem = invalidText(request);
        assertThat(JsonPath.<String>read(problem, "$.in")).isEqualTo("header");
        assertThat(JsonPath.<String>read(problem, "$.field")).isEqualTo(header);
    }

    @Test
    void aLoneSurrogateInAHeaderIsRefusedToo() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/things");
        request.addHeader("If-Match", "\"\ud800\"");
        invalidText(request);
    }

    @ParameterizedTest
    @ValueSource(strings = { "q=%zz", "q=100%", "q=%4", "limit=1&q=%E2%82" })
    void brokenPercentEncodingInTheQueryIsRefused(String query) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/things");
        request.setQueryString(query);
        assertThat(JsonPath.<String>read(invalidText(request), "$.field")).isEqualTo("q");
    }

    @Test
    void formParametersMustBeStorableText() throws Exception {
        MockHttpServletRequest request = withBody("POST", "/api/things", "application/x-www-form-urlencoded",
                "name=a".getBytes(StandardCharsets.US_ASCII));
        request.addParameter("name", "a\u0000");
        assertThat(JsonPath.<String>read(invalidText(request), "$.in")).isEqualTo("form");
    }

    @Test
    void aJsonBodyDeclaringAnotherCharsetIsCheckedInThatCharset() throws Exception {
        MockHttpServletRequest request = withBody("POST", "/api/things", "application/json;charset=UTF-16BE",
                "{\"a\":\"\\u0000\"}".getBytes(StandardCharsets.UTF_16BE));
        assertThat(JsonPath.<String>read(invalidText(request), "$.field")).isEqualTo("/a");
    }

    @Test
    void aMergePatchJsonBodyIsCheckedLikeJson() throws Exception {
        MockHttpServletRequest request = withBody("PATCH", "/api/things/1", "application/merge-patch+json",
                "{\"a\":{\"b\":\"\\ud800\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(JsonPath.<String>read(invalidText(request), "$.field")).isEqualTo("/a/b");
    }

    @Test
    void aCheckedJsonBodyIsHandedOnUnchanged() throws Exception {
        byte[] body = "{\"a\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        MockHttpServletRequest request = withBody("POST", "/api/things", "application/json", body);
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = run(request, chain);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(chain.getRequest()).isNotNull();
        assertThat(chain.getRequest().getInputStream().readAllBytes()).isEqualTo(body);
    }

    @Test
    void aCompressedJsonBodyIsOnlyCountedNotReadAsText() throws Exception {
        byte[] gzip = { 0x1f, (byte) 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, (byte) 0xff };
        MockHttpServletRequest request = withBody("POST", "/eureka/apps/x", "application/json", gzip);
        request.addHeader("Content-Encoding", "gzip");
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = run(request, chain);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(chain.getRequest().getInputStream().readAllBytes()).isEqualTo(gzip);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedWithoutReading() throws Exception {
        MockHttpServletRequest request = withBody("POST", "/api/upload", "application/octet-stream", new byte[1025]);
        MockFilterChain chain = new MockFilterChain();
        assertRefused(run(request, chain), chain, 413, "REQUEST_TOO_LARGE");
    }

    private static MockHttpServletRequest withBody(String method, String path, String contentType, byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setContentType(contentType);
        request.setContent(body);
        return request;
    }

    /** Runs the filter and asserts a 400 {@code INVALID_TEXT} that stopped the chain. */
    private String invalidText(MockHttpServletRequest request) throws Exception {
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = run(request, chain);
        assertRefused(response, chain, 400, "INVALID_TEXT");
        return response.getContentAsString();
    }

    private MockHttpServletResponse run(MockHttpServletRequest request, MockFilterChain chain) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, chain);
        return response;
    }

    private static void assertRefused(MockHttpServletResponse response, MockFilterChain chain, int status, String code)
            throws Exception {
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(JsonPath.<String>read(response.getContentAsString(), "$.code")).isEqualTo(code);
        assertThat(chain.getRequest()).as("the chain went on").isNull();
    }

}
