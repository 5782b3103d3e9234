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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.RemoteKeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * E3's public keys for the device assertion, as a service sees them: fetched on first use, kept
 * for {@code maxAge}, and fetched again <em>at once</em> when an assertion names a key the cached
 * set lacks (E3 restarted with a fresh key, or rotated while this copy was cached).
 * <p>
 * Fetches - for whatever reason - happen at most once per {@code minRefetchInterval}: a caller
 * who can reach the service directly could otherwise send assertions with made-up key ids and make
 * every one of them a request to E3. A fetch that fails keeps the set fetched before, and while one
 * request refreshes an old set the others use it rather than wait.
 */
final class DeviceJwkSource implements JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(DeviceJwkSource.class);
    private static final int MAX_BYTES = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final URI uri;
    private final Duration minRefetchInterval;
    private final Duration maxAge;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    /** The keys and when they were fetched, replaced as one. */
    private record Fetched(JWKSet keys, Instant at) {
    }

    private volatile Fetched cached;
    private Instant lastAttempt;
    private HttpClient http;

    DeviceJwkSource(URI uri, Duration minRefetchInterval, Duration maxAge, Clock clock) {
        this.uri = uri;
        this.minRefetchInterval = minRefetchInterval;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        Fetched seen = cached;
        List<JWK> known = seen == null ? List.of() : selector.select(seen.keys());
        if (!known.isEmpty() && clock.instant().isBefore(seen.at().plus(maxAge))) {
            return known;
        }
        if (!known.isEmpty()) {
            // Old but usable: one request refreshes, the others go on with what is known.
            if (!lock.tryLock()) {
                return known;
            }
        }
        else {
            lock.lock();
        }
        try {
            Fetched current = cached;
            if (current != null && current != seen) {
                // Another request fetched while this one waited for the lock.
                List<JWK> matches = selector.select(current.keys());
                if (!matches.isEmpty()) {
                    return matches;
                }
            }
            Instant now = clock.instant();
            if (lastAttempt != null && now.isBefore(lastAttempt.plus(minRefetchInterval))) {
                return current == null ? List.of() : selector.select(current.keys());
            }
            lastAttempt = now;
            try {
                current = new Fetched(fetch(), now);
                cached = current;
            }
            catch (IOException | ParseException ex) {
                if (current == null) {
                    throw new RemoteKeySourceException("Cannot fetch E3's JWKS from " + uri + ": " + ex.getMessage(), ex);
                }
                log.warn("Cannot fetch E3's JWKS from {}, keeping the keys fetched before: {}", uri, ex.getMessage());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new RemoteKeySourceException("Interrupted while fetching E3's JWKS", ex);
            }
            return selector.select(current.keys());
        }
        finally {
            lock.unlock();
        }
    }

    /** Called under the lock. */
    private JWKSet fetch() throws IOException, ParseException, InterruptedException {
        if (http == null) {
            // Built on first use: services that never see an assertion need no client (and no selector thread).
            http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Accept", "application/jwk-set+json, application/json").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("answered " + response.statusCode());
        }
        if (response.body().length > MAX_BYTES) {
            throw new IOException("answered more than " + MAX_BYTES + " bytes");
        }
        return JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
    }
}
