package dev.edp.platform.device;

import java.time.Duration;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * One setting for the devices' long-poll
 * ({@code GET /devices/api/v1/device/desired-state?wait=N}): {@value #MAX_WAIT} (env
 * {@code EDP_DEVICE_LONG_POLL_MAX_WAIT}, default 30 s). Device-management holds a
 * long-poll at most that long (a longer {@code wait} is clamped), and E3 waits for the
 * answer of its long-lived routes that long plus {@value #TIMEOUT_MARGIN} (default 10 s):
 * the route's response timeout is {@value #RESPONSE_TIMEOUT_MILLIS}, derived here, so the
 * gateway never gives up (504) on a long-poll the backend is still allowed to hold.
 */
public final class LongPoll {

    /** The longest a device long-poll is held. */
    public static final String MAX_WAIT = "edp.device.long-poll.max-wait";

    /**
     * What a gateway adds to {@link #MAX_WAIT} for its response timeout (backend and
     * network time).
     */
    public static final String TIMEOUT_MARGIN = "edp.device.long-poll.timeout-margin";

    /**
     * Derived, read-only: the gateway's response timeout for long-lived routes, in
     * milliseconds (route metadata).
     */
    public static final String RESPONSE_TIMEOUT_MILLIS = "edp.device.long-poll.response-timeout-millis";

    /** Default of {@link #MAX_WAIT}: the agents' long-poll. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);

    /** Default of {@link #TIMEOUT_MARGIN}. */
    public static final Duration DEFAULT_TIMEOUT_MARGIN = Duration.ofSeconds(10);

    private LongPoll() {
    }

    /**
     * @param environment the service's environment
     * @return the longest a long-poll is held
     */
    public static Duration maxWait(Environment environment) {
        Duration maxWait = duration(environment, MAX_WAIT, DEFAULT_MAX_WAIT);
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException(MAX_WAIT + " must not be negative");
        }
        return maxWait;
    }

    /**
     * @param environment the gateway's environment
     * @return the response timeout for long-lived routes: max wait plus margin
     */
    public static Duration responseTimeout(Environment environment) {
        return maxWait(environment).plus(duration(environment, TIMEOUT_MARGIN, DEFAULT_TIMEOUT_MARGIN));
    }

    /**
     * Parsed here ({@code 30s}, {@code PT30S}, {@code 30000}): the environment may not
     * have Boot's converters yet.
     */
    private static Duration duration(Environment environment, String property, Duration fallback) {
        String value = environment.getProperty(property);
        return value == null || value.isBlank() ? fallback : DurationStyle.detectAndParse(value.trim());
    }

    /**
     * A property source that answers {@link #RESPONSE_TIMEOUT_MILLIS} from the
     * environment at the time it is asked, so it follows {@link #MAX_WAIT} wherever that
     * is set (file, environment, command line, test properties).
     * @param environment the environment to derive from
     * @return the property source
     */
    public static PropertySource<?> derivedProperties(ConfigurableEnvironment environment) {
        // Not the environment as the source: Boot would take such a source for a nested
        // environment and iterate its property sources (this one among them) forever.
        return new PropertySource<>("edpLongPoll", RESPONSE_TIMEOUT_MILLIS) {
            @Override
            public Object getProperty(String name) {
                return RESPONSE_TIMEOUT_MILLIS.equals(name) ? String.valueOf(responseTimeout(environment).toMillis())
                        : null;
            }
        };
    }

}
