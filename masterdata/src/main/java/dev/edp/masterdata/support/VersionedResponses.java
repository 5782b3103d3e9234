package dev.edp.masterdata.support;

import java.net.URI;

import dev.edp.platform.web.Etags;

import org.springframework.http.ResponseEntity;

/**
 * Answers that carry a resource with its version as the ETag, the value a later change
 * sends back in {@code If-Match}.
 */
public final class VersionedResponses {

    private VersionedResponses() {
    }

    /**
     * @param location where the new resource is read
     * @return 201 with the location
     */
    public static <T> ResponseEntity<T> created(String location, long version, T body) {
        return ResponseEntity.created(URI.create(location)).eTag(Etags.of(version)).body(body);
    }

    /**
     * @return 200
     */
    public static <T> ResponseEntity<T> ok(long version, T body) {
        return ResponseEntity.ok().eTag(Etags.of(version)).body(body);
    }

}
