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
        jwt = jwt == null ? new Jwt(null) : jwt;
    }

    /**
     * @param clockSkew the clock difference tolerated in a token's times (default 10 s
     * rather than Spring's 60 s: access tokens live five minutes and the platform's hosts
     * keep their clocks in sync)
     */
    public record Jwt(Duration clockSkew) {

        /** Fills in the default. */
        public Jwt {
            clockSkew = clockSkew == null ? Duration.ofSeconds(10) : clockSkew;
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
