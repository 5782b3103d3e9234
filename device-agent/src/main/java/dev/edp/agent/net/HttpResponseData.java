package dev.edp.agent.net;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A complete HTTP response.
 *
 * @param status the status code
 * @param headers the headers, names in lower case (last value wins)
 * @param body the body bytes
 */
public record HttpResponseData(int status, Map<String, String> headers, byte[] body) {

    /**
     * @return the header's value, or null
     */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * @return the body as UTF-8 text
     */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
