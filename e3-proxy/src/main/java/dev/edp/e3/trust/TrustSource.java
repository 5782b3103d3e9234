package dev.edp.e3.trust;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Fetches a document (CA chain, CRL) from a file, the classpath or over HTTP, conditionally:
 * {@code If-Modified-Since} for HTTP, the file's modification time for files. {@code lb://name/path}
 * goes through the registry with the load-balanced client.
 */
public final class TrustSource {

    /** The document, or null with {@code notModified}. */
    public record Fetched(byte[] body, String version, boolean notModified) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final String location;
    private final ResourceLoader resources;
    private final WebClient web;

    /**
     * @param location {@code file:}, {@code classpath:}, {@code http(s)://} or {@code lb://}
     * @param resources loads files and classpath resources
     * @param plain client for fixed URLs
     * @param loadBalanced client for registry names
     */
    public TrustSource(String location, ResourceLoader resources, WebClient plain, WebClient loadBalanced) {
        this.location = location;
        this.resources = resources;
        this.web = location.startsWith("lb://") ? loadBalanced : plain;
    }

    /** @return where it comes from */
    public String location() {
        return location;
    }

    /**
     * @param knownVersion the version last fetched (Last-Modified, or the file time), or null
     * @return the document, or "not modified"
     * @throws IOException when it cannot be fetched
     */
    public Fetched fetch(String knownVersion) throws IOException {
        if (location.startsWith("http://") || location.startsWith("https://") || location.startsWith("lb://")) {
            return fetchHttp(knownVersion);
        }
        Resource resource = resources.getResource(location);
        String version = resource.isFile() ? String.valueOf(resource.lastModified()) : null;
        if (version != null && version.equals(knownVersion)) {
            return new Fetched(null, version, true);
        }
        try (InputStream in = resource.getInputStream()) {
            return new Fetched(in.readAllBytes(), version, false);
        }
    }

    private Fetched fetchHttp(String knownVersion) throws IOException {
        String url = location.startsWith("lb://") ? "http://" + location.substring("lb://".length()) : location;
        try {
            ResponseEntity<byte[]> response = web.get().uri(url)
                    .headers(headers -> {
                        if (knownVersion != null) {
                            headers.set(HttpHeaders.IF_MODIFIED_SINCE, knownVersion);
                        }
                    })
                    .exchangeToMono(answer -> answer.toEntity(byte[].class))
                    .block(TIMEOUT);
            if (response == null) {
                throw new IOException("No answer from " + location);
            }
            if (response.getStatusCode().isSameCodeAs(HttpStatus.NOT_MODIFIED)) {
                return new Fetched(null, knownVersion, true);
            }
            if (!response.getStatusCode().is2xxSuccessful() || response.getBody() == null) {
                throw new IOException(location + " answered " + response.getStatusCode().value());
            }
            return new Fetched(response.getBody(), response.getHeaders().getFirst(HttpHeaders.LAST_MODIFIED), false);
        }
        catch (RuntimeException ex) {
            throw new IOException("Cannot fetch " + location + ": " + ex.getMessage(), ex);
        }
    }
}
