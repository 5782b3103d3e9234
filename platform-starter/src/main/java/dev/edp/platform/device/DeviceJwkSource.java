package dev.edp.platform.device;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.RemoteKeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * E3's public keys for the device credential, as a service sees them, kept and fetched
 * again on an unknown key id as {@link RefetchedKeys} describes.
 */
final class DeviceJwkSource implements JWKSource<SecurityContext> {

    private static final int MAX_BYTES = 64 * 1024;

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final URI uri;

    private final RefetchedKeys<JWKSet> keys;

    /** Only used by fetches, which {@link RefetchedKeys} makes one at a time. */
    private HttpClient http;

    DeviceJwkSource(URI uri, Duration minRefetchInterval, Duration maxAge, Clock clock) {
        this.uri = uri;
        this.keys = new RefetchedKeys<>("E3's JWKS from " + uri, this::fetch, minRefetchInterval, maxAge, clock);
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        try {
            JWKSet set = keys.keys(candidate -> !selector.select(candidate).isEmpty());
            return set == null ? List.of() : selector.select(set);
        }
        catch (RefetchedKeys.Unavailable ex) {
            throw new RemoteKeySourceException(ex.getMessage(), ex.getCause());
        }
    }

    /** One at a time (see {@link RefetchedKeys}). */
    private JWKSet fetch() throws IOException, ParseException, InterruptedException {
        if (http == null) {
            // Built on first use: services that never see an assertion need no client
            // (and no selector thread).
            http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Accept", "application/jwk-set+json, application/json")
            .GET()
            .build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("answered " + response.statusCode());
        }
        if (response.body().length > MAX_BYTES) {
            throw new IOException("answered more than " + MAX_BYTES + " bytes");
        }
        return JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
    }

}
