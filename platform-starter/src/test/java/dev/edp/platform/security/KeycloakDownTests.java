package dev.edp.platform.security;

import java.time.Duration;
import java.util.List;

import dev.edp.test.security.TestRealm;
import dev.edp.test.time.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Keycloak down or hanging, as both web stacks' decoders see it: the realm's keys come
 * from a real HTTP JWKS endpoint ({@link TestRealm}) that a test cuts (connections
 * refused) or freezes (connections accepted, nothing answered); the keys' cache is timed
 * by a {@link TestClock}, so its expiry is reached without waiting for it.
 */
class KeycloakDownTests {

    static final Duration TIME_TO_LIVE = Duration.ofMinutes(10);

    static final Duration FETCH_TIMEOUT = Duration.ofMillis(500);

    /** The background refetch starts in the last tenth of the time to live. */
    static final Duration REFRESH_AHEAD = TIME_TO_LIVE.dividedBy(10);

    static final Duration OUTAGE_TOLERANCE = Duration.ofHours(1);

    enum Stack {

        SERVLET, REACTIVE

    }

    final TestRealm realm = TestRealm.start();

    final TestClock clock = TestClock.startingNow();

    @AfterEach
    void stop() {
        realm.close();
    }

    /** The stack's decoder, as a blocking call. */
    interface Decoder {

        Jwt decode(String token);

    }

    Decoder decoder(Stack stack) {
        return decoder(stack, FETCH_TIMEOUT);
    }

    Decoder decoder(Stack stack, Duration fetchTimeout) {
        EdpJwtDecoders.Rules rules = new EdpJwtDecoders.Rules(realm.issuer(),
                new EdpSecurityProperties.Jwt(Duration.ofSeconds(10), TIME_TO_LIVE, OUTAGE_TOLERANCE, fetchTimeout),
                List.of(EdpJwtDecoders.DEFAULT_AUDIENCE), null);
        if (stack == Stack.SERVLET) {
            JwtDecoder servlet = EdpJwtDecoders.servlet(rules, clock);
            return servlet::decode;
        }
        ReactiveJwtDecoder reactive = EdpJwtDecoders.reactive(rules, clock);
        return token -> reactive.decode(token).block(Duration.ofSeconds(60));
    }

    /**
     * @return the bytes sent towards Keycloak so far: the first fetch of the keys
     */
    long decodedOnceThenFrozen(Decoder decoder, String token) {
        decoder.decode(token);
        realm.freeze();
        return realm.bytesSentToKeycloak();
    }

    @ParameterizedTest
    @EnumSource(Stack.class)
    void tokensOfKnownKeysKeepBeingAcceptedWhileKeycloakIsDown(Stack stack) throws Exception {
        Decoder decoder = decoder(stack);
        String alice = realm.token("alice", null);
        String subject = decoder.decode(alice).getSubject();
        assertThat(realm.keysServed()).isEqualTo(1);

        realm.cut();

        assertThat(decoder.decode(alice).getSubject()).isEqualTo(subject);
        assertThat(decoder.decode(realm.token("bob", null)).getSubject()).isNotEqualTo(subject);
        // A key never seen cannot be fetched now: refused, which shows Keycloak is gone.
        assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(realm.tokenOfUnknownKey("eve")));
    }

    /**
     * Found in CI: a service whose cached keys expired while Keycloak was too slow to
     * answer failed the request with a 500. The refetch now times out, and the keys
     * fetched last stay in use.
     */
    @ParameterizedTest
    @EnumSource(Stack.class)
    void tokensOfKnownKeysKeepBeingAcceptedWhenTheCachedKeysExpireWhileKeycloakHangs(Stack stack) {
        Decoder decoder = decoder(stack);
        String alice = realm.token("alice", null);
        long sent = decodedOnceThenFrozen(decoder, alice);

        clock.advance(TIME_TO_LIVE.plusSeconds(1));

        assertThat(decoder.decode(alice).getSubject()).isNotBlank();
        assertThat(realm.bytesSentToKeycloak()).as("the keys were asked for again").isGreaterThan(sent);
        assertThat(decoder.decode(realm.token("bob", null)).getSubject()).isNotBlank();
    }

    /**
     * Found by the platform faults test: Keycloak down while the keys neared their
     * expiry. Two background refetches failed (the keys fetched last were kept), and the
     * next request after the expiry, within the rate limit's interval, found the keys
     * source refusing a third fetch: a 503 for a token of a known key.
     */
    @ParameterizedTest
    @EnumSource(Stack.class)
    void tokensOfKnownKeysKeepBeingAcceptedWhenTheKeysExpireRightAfterFailedRefetches(Stack stack) {
        Decoder decoder = decoder(stack);
        String alice = realm.token("alice", null);
        long sent = decodedOnceThenFrozen(decoder, alice);

        // Two requests in the last tenth of the time to live, each starting a background
        // refetch that times out against the frozen Keycloak.
        clock.advance(TIME_TO_LIVE.minusSeconds(10));
        for (int refetch = 1; refetch <= 2; refetch++) {
            long before = realm.bytesSentToKeycloak();
            assertThat(decoder.decode(alice).getSubject()).isNotBlank();
            await().atMost(Duration.ofSeconds(60)).until(() -> realm.bytesSentToKeycloak() > before);
            // Until it has failed: connect and read time out, twice (one retry).
            RealmKeys.awaitBackgroundRefetches(Duration.ofSeconds(60));
        }
        assertThat(realm.bytesSentToKeycloak()).isGreaterThan(sent);

        // Expired, within the rate limit's interval of those two fetches.
        clock.advance(Duration.ofSeconds(11));
        assertThat(decoder.decode(alice).getSubject()).isNotBlank();
        assertThat(decoder.decode(realm.token("bob", null)).getSubject()).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(Stack.class)
    void theKeysAreRefetchedInTheBackgroundShortlyBeforeTheyExpire(Stack stack) {
        // A refetch made in the request would wait this long for the frozen Keycloak.
        Duration fetchTimeout = Duration.ofSeconds(20);
        Decoder decoder = decoder(stack, fetchTimeout);
        String alice = realm.token("alice", null);
        long sent = decodedOnceThenFrozen(decoder, alice);

        clock.advance(TIME_TO_LIVE.minus(REFRESH_AHEAD.dividedBy(2)));

        // Answered from the cache while the refetch hangs in the background.
        long started = System.nanoTime();
        assertThat(decoder.decode(alice).getSubject()).isNotBlank();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered without waiting for the refetch")
            .isLessThan(fetchTimeout);
        await().atMost(Duration.ofSeconds(60)).until(() -> realm.bytesSentToKeycloak() > sent);
    }

    @ParameterizedTest
    @EnumSource(Stack.class)
    void aTokenThatCannotBeCheckedIsNotCalledInvalid(Stack stack) throws Exception {
        Decoder decoder = decoder(stack);
        String alice = realm.token("alice", null);
        realm.cut();

        // Keycloak down since the service started: no keys were ever fetched.
        assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(alice))
            .isNotInstanceOf(BadJwtException.class);

        realm.restore();
        clock.advance(Duration.ofMinutes(1));
        assertThat(decoder.decode(alice).getSubject()).isNotBlank();

        // Down for longer than the keys are kept through an outage.
        realm.cut();
        clock.advance(OUTAGE_TOLERANCE.plus(TIME_TO_LIVE));
        assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(alice))
            .isNotInstanceOf(BadJwtException.class);
    }

    @ParameterizedTest
    @EnumSource(Stack.class)
    void anUnknownKeyIdRefetchesTheKeysButNotForEveryToken(Stack stack) {
        Decoder decoder = decoder(stack);
        decoder.decode(realm.token("alice", null));
        assertThat(realm.keysServed()).isEqualTo(1);

        assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(realm.tokenOfUnknownKey("eve")));
        assertThat(realm.keysServed()).as("a key the realm may have rotated in is looked for at once").isEqualTo(2);

        for (int i = 0; i < 20; i++) {
            assertThatExceptionOfType(BadJwtException.class).as("refused as invalid: the keys were fetched moments ago")
                .isThrownBy(() -> decoder.decode(realm.tokenOfUnknownKey("eve")));
        }
        assertThat(realm.keysServed()).as("at most twice in %s s", RealmKeys.MIN_FETCH_INTERVAL_SECONDS).isEqualTo(2);
        assertThat(decoder.decode(realm.token("alice", null)).getSubject()).isNotBlank();
    }

}
