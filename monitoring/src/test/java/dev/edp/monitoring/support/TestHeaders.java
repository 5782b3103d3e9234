package dev.edp.monitoring.support;

import java.util.List;
import java.util.Map;

/** Reads the headers a stand-in server received. */
public final class TestHeaders {

    private TestHeaders() {
    }

    /**
     * @param headers the headers as the JDK's HTTP server gives them
     * @param name a header name, in any case
     * @return its first value, null when it was not sent
     */
    public static String first(Map<String, List<String>> headers, String name) {
        return headers.entrySet()
            .stream()
            .filter(e -> e.getKey().equalsIgnoreCase(name))
            .map(e -> e.getValue().getFirst())
            .findFirst()
            .orElse(null);
    }

}
