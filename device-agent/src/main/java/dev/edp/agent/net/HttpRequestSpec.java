package dev.edp.agent.net;

import java.util.Map;

/**
 * One HTTP/1.1 request.
 *
 * @param method e.g. {@code GET}
 * @param pathAndQuery origin-form target, e.g. {@code /monitoring/api/v1/heartbeat}
 * @param headers extra headers (Host, Content-Length and Connection are set by the
 * client)
 * @param body the body, or an empty array
 */
public record HttpRequestSpec(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {

    private static final byte[] NONE = new byte[0];

    public HttpRequestSpec {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? NONE : body;
    }

    /**
     * @return a GET without body
     */
    public static HttpRequestSpec get(String pathAndQuery, Map<String, String> headers) {
        return new HttpRequestSpec("GET", pathAndQuery, headers, NONE);
    }

    /**
     * @return a POST of a JSON body
     */
    public static HttpRequestSpec postJson(String pathAndQuery, byte[] json) {
        return new HttpRequestSpec("POST", pathAndQuery,
                Map.of("Content-Type", "application/json", "Accept", "application/json"), json);
    }
}
