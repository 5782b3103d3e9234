package dev.edp.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/**
 * Polls a health URL until it answers 200, the process behind it dies, or time runs out.
 */
final class HttpReadiness {

    static final int LOG_LINES_ON_FAILURE = 40;

    private final HttpClient client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(1))
        .version(HttpClient.Version.HTTP_1_1)
        .build();

    private final Duration pollInterval;

    HttpReadiness(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    /**
     * Returns once {@code url} answers 200. The process is checked on every round so a
     * crash is reported within one poll interval instead of after the whole timeout.
     */
    void await(ManagedProcess process, URI url, Duration timeout) throws StartupException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new StartupException(process.name(),
                        "exited with code " + process.exitCode().orElse(-1) + " before it was ready",
                        process.logTail(LOG_LINES_ON_FAILURE));
            }
            String outcome = probe(url);
            if (outcome.equals("HTTP 200")) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                // The last answer tells a service still starting (no answer) from one
                // that refuses (401, 404, 503).
                throw new StartupException(
                        process.name(), "not ready after " + timeout.toSeconds() + " s (" + url
                                + " did not answer 200; last answer: " + outcome + ")",
                        process.logTail(LOG_LINES_ON_FAILURE));
            }
            Thread.sleep(pollInterval);
        }
    }

    /**
     * One probe: true only for HTTP 200; refused connections and timeouts count as not
     * ready.
     */
    boolean isOk(URI url) throws InterruptedException {
        return probe(url).equals("HTTP 200");
    }

    private String probe(URI url) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return "HTTP " + client.send(request, BodyHandlers.discarding()).statusCode();
        }
        catch (IOException ex) {
            return "none (" + ex.getClass().getSimpleName() + ")";
        }
    }

    /**
     * Fetches a JSON document, or null when the server is not answering (yet).
     * @param authorization an {@code Authorization} header value, or null
     */
    String getJson(URI url, String authorization) throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(2))
            .header("Accept", "application/json")
            .GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder.build();
        try {
            var response = client.send(request, BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        }
        catch (IOException ex) {
            return null;
        }
    }

}
