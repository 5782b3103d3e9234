package dev.edp.platform.security;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.RefreshAheadCachingJWKSetSource;
import com.nimbusds.jose.jwk.source.RetryingJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.SignedJWT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The realm's signing keys, fetched from its JWKS endpoint, for both web stacks. Spring's
 * own JWKS sources failed two ways when Keycloak was slow or down: the servlet one
 * refetched when its five-minute cache expired and, when that request timed out, failed
 * the caller's request with a 500; the reactive one refetched on every token with an
 * unknown key id, which lets anyone make the gateway call Keycloak once per request. Here
 * (Nimbus' JWKS sources, chained as its {@code JWKSourceBuilder} does, with our timings):
 * <ul>
 * <li>keys are cached for {@code keys-time-to-live}; a request in the last tenth of that
 * starts the refetch in the background and is answered with the cached keys; before that,
 * requests are answered from the last fetch's keys without asking the chain at all, so
 * the gateway's event loop neither waits nor changes threads for them;</li>
 * <li>a refetch that fails or times out ({@code keys-fetch-timeout}, retried once) keeps
 * the last keys in use for up to {@code keys-outage-tolerance}, logged as a warning;</li>
 * <li>a token with an unknown key id refetches at once (Keycloak rotated its key), but
 * the JWKS endpoint is asked at most twice in {@value #MIN_FETCH_INTERVAL_SECONDS} s;
 * beyond that the keys are current and the token is refused as invalid.</li>
 * </ul>
 * Only when no keys were ever fetched (Keycloak was down since the service started) or
 * beyond the outage tolerance can a request not be checked: the decoders then fail with a
 * {@code JwtException} that Spring Security turns into an
 * {@code AuthenticationServiceException}, which the starter answers with 503
 * {@code IDENTITY_PROVIDER_UNAVAILABLE} ({@link ProblemSecurityHandlers}).
 */
final class RealmKeys implements JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(RealmKeys.class);

    static final int MIN_FETCH_INTERVAL_SECONDS = 30;

    private static final int MAX_JWKS_BYTES = 256 * 1024;

    /**
     * Runs the background refetches of every key source in this JVM: one daemon thread,
     * started on the first refetch, so it never keeps a stopped service's JVM alive.
     */
    private static final ExecutorService REFRESHER = Executors
        .newSingleThreadExecutor(Thread.ofPlatform().daemon().name("edp-jwks-refresh").factory());

    /**
     * The keys of the last fetch, used without asking the chain until {@code until}, and
     * when the chain refuses a fetch moments after others (its rate limit) until
     * {@code keptUntil}.
     */
    private record Fresh(JWKSet keys, long until, long keptUntil) {
    }

    private final JWKSetSource<SecurityContext> source;

    private final Clock clock;

    private final long freshFor;

    private final long keptFor;

    private volatile Fresh fresh = new Fresh(new JWKSet(), Long.MIN_VALUE, Long.MIN_VALUE);

    private RealmKeys(JWKSetSource<SecurityContext> source, Clock clock, long freshFor, long keptFor) {
        this.source = source;
        this.clock = clock;
        this.freshFor = freshFor;
        this.keptFor = keptFor;
    }

    /**
     * @param jwkSetUri the realm's JWKS endpoint
     * @param settings the timings ({@code edp.security.jwt.keys-*})
     * @param clock what every timing is measured by (Nimbus' own sources read the system
     * time; the chain is given this clock's time instead, so the timings can be tested
     * without waiting for them)
     * @return the keys
     */
    static RealmKeys remote(String jwkSetUri, EdpSecurityProperties.Jwt settings, Clock clock) {
        long ttl = settings.keysTimeToLive().toMillis();
        long outageTolerance = settings.keysOutageTolerance().toMillis();
        int fetchTimeout = Math.toIntExact(settings.keysFetchTimeout().toMillis());
        // Another request waits for a running refetch as long as it may take: connect and
        // read, twice.
        long refreshTimeout = 5L * fetchTimeout;
        long refreshAhead = ttl / 10;
        if (refreshAhead + refreshTimeout >= ttl || outageTolerance < ttl) {
            throw new IllegalStateException("edp.security.jwt: keys-time-to-live (" + settings.keysTimeToLive()
                    + ") must exceed 5 x keys-fetch-timeout (" + settings.keysFetchTimeout()
                    + ") by a tenth, and keys-outage-tolerance (" + settings.keysOutageTolerance()
                    + ") must be at least keys-time-to-live");
        }
        JWKSetSource<SecurityContext> source = new URLBasedJWKSetSource<>(url(jwkSetUri),
                new DefaultResourceRetriever(fetchTimeout, fetchTimeout, MAX_JWKS_BYTES));
        source = new RetryingJWKSetSource<>(source, null);
        source = new OutageTolerantJWKSetSource<>(source, outageTolerance, event -> {
            if (event instanceof OutageTolerantJWKSetSource.OutageEvent<?> outage) {
                log.warn(
                        "The identity provider's keys cannot be fetched from {} ({}); "
                                + "the keys fetched last stay in use for up to {} more",
                        jwkSetUri, outage.getException().getMessage(), Duration.ofMillis(outage.getRemainingTime()));
            }
        });
        source = new RateLimitedJWKSetSource<>(source, MIN_FETCH_INTERVAL_SECONDS * 1000L, null);
        source = new RefreshAheadCachingJWKSetSource<>(source, ttl, refreshTimeout, refreshAhead, false, REFRESHER,
                false, null);
        return new RealmKeys(source, clock, ttl - refreshAhead, outageTolerance);
    }

    /**
     * Nimbus' {@code JWKSetBasedJWKSource}, timed by the clock, and answered from the
     * last fetch's keys while they are fresh (until the background refetch is due).
     */
    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        List<JWK> selected = fresh(selector);
        if (!selected.isEmpty()) {
            return selected;
        }
        long now = clock.millis();
        JWKSet keys;
        try {
            keys = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
        }
        catch (RateLimitReachedException fetchedMomentsAgo) {
            // The cached keys expired right after fetches that failed (Keycloak down):
            // the keys fetched last stay in use, as the outage tolerance keeps them.
            Fresh last = fresh;
            if (now < last.keptUntil()) {
                return selector.select(last.keys());
            }
            throw fetchedMomentsAgo;
        }
        selected = selector.select(keys);
        if (selected.isEmpty()) {
            // A key id the cached keys do not have: the realm may have rotated its key.
            try {
                keys = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(keys), now, context);
            }
            catch (RateLimitReachedException fetchedMomentsAgo) {
                // The keys are current: there is no such key, and the token is refused as
                // invalid.
                return selected;
            }
            selected = selector.select(keys);
        }
        if (keys != fresh.keys()) {
            // A set not seen before was fetched just now (the chain hands out the same
            // instance until it fetches again, also the last keys during an outage).
            fresh = new Fresh(keys, now + freshFor, now + keptFor);
        }
        return selected;
    }

    /**
     * @param selector which keys
     * @return those of the last fetch's keys, while they are fresh; otherwise none
     */
    private List<JWK> fresh(JWKSelector selector) {
        Fresh current = fresh;
        return clock.millis() < current.until() ? selector.select(current.keys()) : List.of();
    }

    /**
     * The keys for the reactive decoder: fresh keys at once; a lookup that may fetch runs
     * off the event loop.
     * @return the keys that may have signed a token, by its header
     */
    Function<SignedJWT, Flux<JWK>> reactive() {
        return jwt -> {
            JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
            List<JWK> known = fresh(selector);
            return !known.isEmpty() ? Flux.fromIterable(known)
                    : Mono.fromCallable(() -> get(selector, null))
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMapMany(Flux::fromIterable);
        };
    }

    /**
     * Waits until the background refetches started so far have ended (the refresher runs
     * one at a time, in order), for tests that must know a refetch failed before they go
     * on.
     * @param atMost how long to wait
     */
    static void awaitBackgroundRefetches(Duration atMost) {
        try {
            REFRESHER.submit(() -> {
            }).get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("The background refetches did not end within " + atMost, ex);
        }
    }

    private static URL url(String uri) {
        try {
            return URI.create(uri).toURL();
        }
        catch (MalformedURLException | IllegalArgumentException ex) {
            throw new IllegalStateException("Not a JWKS URL: " + uri, ex);
        }
    }

}
