package dev.edp.e3.trust;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;

import dev.edp.e3.ServiceUrl;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Fetches a document (CA chain, CRL) from a file, the classpath or over HTTP,
 * conditionally. {@code lb://name/path} goes through the registry with the load-balanced
 * client.
 * <p>
 * HTTP revalidates with the strong validator: {@code If-None-Match} with the {@code ETag}
 * of the copy held. {@code If-Modified-Since} is sent only to a server that gave no
 * {@code ETag}: a date has one-second resolution, so two CRLs published within one second
 * share it, and a 304 that answered a date would keep the older one (a missed
 * revocation). For the same reason a 304 is believed only if it answered the tag that was
 * sent (a 304 carrying another tag is fetched again unconditionally). Files are compared
 * by size, modification time and a SHA-256 of the content, since a replaced file may keep
 * its size and time.
 */
public final class TrustSource {

    /**
     * What identifies the copy held, to ask whether it is still current.
     *
     * @param etag the HTTP {@code ETag} (exactly as received), or null
     * @param lastModified the HTTP {@code Last-Modified}, or null
     * @param fingerprint for files: size, modification time and content hash; else null
     */
    public record Version(String etag, String lastModified, String fingerprint) {
    }

    /**
     * The document, or "not modified" without a body.
     *
     * @param body the bytes, null when not modified
     * @param version what identifies them, to pass to the next {@link #fetch}; may be
     * null
     * @param notModified whether the copy held is still current
     */
    public record Fetched(byte[] body, Version version, boolean notModified) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final String location;

    private final ResourceLoader resources;

    private final WebClient web;

    /**
     * @param location {@code file:}, {@code classpath:}, {@code http(s)://} or
     * {@code lb://}
     * @param resources loads files and classpath resources
     * @param plain client for fixed URLs
     * @param loadBalanced client for registry names
     */
    public TrustSource(String location, ResourceLoader resources, WebClient plain, WebClient loadBalanced) {
        this.location = location;
        this.resources = resources;
        this.web = ServiceUrl.of(location).client(plain, loadBalanced);
    }

    /**
     * @return where it comes from
     */
    public String location() {
        return location;
    }

    /**
     * @param known the version last fetched, or null to fetch unconditionally
     * @return the document, or "not modified"
     * @throws IOException when it cannot be fetched
     */
    public Fetched fetch(Version known) throws IOException {
        if (location.startsWith("http://") || location.startsWith("https://") || ServiceUrl.isBalanced(location)) {
            return fetchHttp(known);
        }
        Resource resource = resources.getResource(location);
        byte[] body;
        try (InputStream in = resource.getInputStream()) {
            body = in.readAllBytes();
        }
        if (!resource.isFile()) {
            return new Fetched(body, null, false);
        }
        // Read first, then stat: a file replaced in between gets a new fingerprint on the
        // next fetch.
        Version version = new Version(null, null, body.length + ":" + resource.lastModified() + ":" + sha256(body));
        if (known != null && version.fingerprint().equals(known.fingerprint())) {
            return new Fetched(null, version, true);
        }
        return new Fetched(body, version, false);
    }

    private Fetched fetchHttp(Version known) throws IOException {
        Fetched fetched = exchange(known);
        if (!fetched.notModified()) {
            return fetched;
        }
        String answered = fetched.version().etag();
        if (known.etag() != null && answered != null && !answered.equals(known.etag())
                && !answered.equals("W/" + known.etag())) {
            // A 304 for a tag other than the one sent does not vouch for the copy held.
            return exchange(null);
        }
        return new Fetched(null, known, true);
    }

    private Fetched exchange(Version known) throws IOException {
        String url = ServiceUrl.of(location).url();
        try {
            ResponseEntity<byte[]> response = web.get().uri(url).headers(headers -> {
                if (known != null && known.etag() != null) {
                    headers.set(HttpHeaders.IF_NONE_MATCH, known.etag());
                }
                else if (known != null && known.lastModified() != null) {
                    headers.set(HttpHeaders.IF_MODIFIED_SINCE, known.lastModified());
                }
            }).exchangeToMono(answer -> answer.toEntity(byte[].class)).block(TIMEOUT);
            if (response == null) {
                throw new IOException("No answer from " + location);
            }
            HttpHeaders headers = response.getHeaders();
            Version version = new Version(headers.getFirst(HttpHeaders.ETAG),
                    headers.getFirst(HttpHeaders.LAST_MODIFIED), null);
            if (response.getStatusCode().isSameCodeAs(HttpStatus.NOT_MODIFIED)) {
                if (known == null) {
                    throw new IOException(location + " answered 304 to an unconditional request");
                }
                return new Fetched(null, version, true);
            }
            if (!response.getStatusCode().is2xxSuccessful() || response.getBody() == null) {
                throw new IOException(location + " answered " + response.getStatusCode().value());
            }
            return new Fetched(response.getBody(), version, false);
        }
        catch (RuntimeException ex) {
            throw new IOException("Cannot fetch " + location + ": " + ex.getMessage(), ex);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
