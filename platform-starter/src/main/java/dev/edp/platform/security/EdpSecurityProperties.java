package dev.edp.platform.security;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * {@code edp.security.*}: which operator-side paths are public and which access tokens a
 * service accepts ({@link EdpJwtDecoders}).
 *
 * @param publicPaths paths (Ant patterns, comma-separated or a list) any caller may use
 * besides the service's status, the error path and the actuator (none by default)
 * @param audiences the audiences an access token must name one of (default
 * {@value EdpJwtDecoders#DEFAULT_AUDIENCE}); an empty list stops the service
 * @param jwt the token checks
 */
@ConfigurationProperties("edp.security")
public record EdpSecurityProperties(List<String> publicPaths, List<String> audiences, Jwt jwt) {

    /** Fills in the defaults; blank entries of the path list are dropped. */
    public EdpSecurityProperties {
        publicPaths = publicPaths == null ? List.of()
                : publicPaths.stream().map(String::trim).filter(path -> !path.isEmpty()).toList();
        audiences = audiences == null ? List.of(EdpJwtDecoders.DEFAULT_AUDIENCE) : List.copyOf(audiences);
        jwt = jwt == null ? new Jwt(null, null, null, null) : jwt;
    }

    /**
     * @param clockSkew the clock difference tolerated in a token's times (default 10 s
     * rather than Spring's 60 s: access tokens live five minutes and the platform's hosts
     * keep their clocks in sync)
     * @param keysTimeToLive how long the realm's keys, fetched from its JWKS endpoint,
     * are used before they are fetched again (default 5 min); the refetch starts in the
     * background a tenth of this before they expire, so no request waits for it
     * @param keysOutageTolerance how long the last keys fetched stay in use while the
     * JWKS endpoint cannot be reached or does not answer in time (default 1 h, far beyond
     * an access token's life: no token the realm issued before an outage is refused
     * because of it)
     * @param keysFetchTimeout how long one JWKS request may take to connect and to answer
     * (default 5 s; a failed request is retried once)
     */
    public record Jwt(Duration clockSkew, Duration keysTimeToLive, Duration keysOutageTolerance,
            Duration keysFetchTimeout) {

        /** Fills in the defaults. */
        public Jwt {
            clockSkew = clockSkew == null ? Duration.ofSeconds(10) : clockSkew;
            keysTimeToLive = keysTimeToLive == null ? Duration.ofMinutes(5) : keysTimeToLive;
            keysOutageTolerance = keysOutageTolerance == null ? Duration.ofHours(1) : keysOutageTolerance;
            keysFetchTimeout = keysFetchTimeout == null ? Duration.ofSeconds(5) : keysFetchTimeout;
        }
    }

    /**
     * For code that runs before the application context has its beans (tests, document
     * generation).
     * @param environment the environment to bind from
     * @return the settings as the environment has them
     */
    public static EdpSecurityProperties of(Environment environment) {
        return Binder.get(environment).bindOrCreate("edp.security", EdpSecurityProperties.class);
    }
}
