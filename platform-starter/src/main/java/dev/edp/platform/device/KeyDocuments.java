package dev.edp.platform.device;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The bounded GET by which a service fetches E3's keys: 3 s to connect and to answer, no
 * redirects, only a 200 of at most 64 KiB. The HTTP client is built on first use, so
 * services that never see a device request need none (and no selector thread). Not
 * thread-safe: its callers fetch one at a time ({@link RefetchedKeys}).
 */
final class KeyDocuments {

    private static final int MAX_BYTES = 64 * 1024;

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private HttpClient http;

    /**
     * @param uri where the document is
     * @param headers header names and values, alternating ({@code Accept} first)
     * @return the document's bytes
     * @throws IOException on any answer but a 200 of at most 64 KiB, or no answer in time
     */
    byte[] get(URI uri, String... headers) throws IOException, InterruptedException {
        if (this.http == null) {
            this.http = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        }
        HttpResponse<byte[]> response = this.http.send(
                HttpRequest.newBuilder(uri).timeout(TIMEOUT).headers(headers).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("answered " + response.statusCode());
        }
        if (response.body().length > MAX_BYTES) {
            throw new IOException("answered more than " + MAX_BYTES + " bytes");
        }
        return response.body();
    }

}
