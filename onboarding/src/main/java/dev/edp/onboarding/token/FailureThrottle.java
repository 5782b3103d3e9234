package dev.edp.onboarding.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import dev.edp.platform.problem.EdpException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Slows down repeated failures: a key with {@code maxFailures} failures within {@code window} is
 * answered 429 (problem+json with {@code Retry-After}) until the window has passed. Enrollment keys it
 * by remote address (token guessing); renewal by the device id E3 asserted (all devices reach
 * onboarding through E3, so the address would be E3's for all of them).
 *
 * <p>In memory, so per replica: an attacker spread over N replicas gets N times the budget, which
 * with 256-bit tokens is still harmless; the counter protects the CPU (CSR checks) more than the
 * secret. Behind E3 the remote address is E3's until E3 forwards the device's address.
 */
public final class FailureThrottle {

    private record Window(Instant start, int failures) {
    }

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final String code;
    private final String what;
    private final String from;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    FailureThrottle(int maxFailures, Duration window, Clock clock) {
        this(maxFailures, window, clock, "TOO_MANY_FAILED_ENROLLMENTS", "enrollments", "this address");
    }

    /**
     * @param maxFailures failures within the window before 429
     * @param window how long failures are remembered (from the first of the window)
     * @param clock the time
     * @param code the problem code of the 429
     * @param what what failed, plural ("renewals")
     * @param from whose failures, for the detail ("this device")
     */
    public FailureThrottle(int maxFailures, Duration window, Clock clock, String code, String what, String from) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
        this.code = code;
        this.what = what;
        this.from = from;
    }

    /**
     * @param address the key (remote address, device id)
     * @throws EdpException 429 while the key is blocked
     */
    public void check(String address) {
        Window current = windows.get(address);
        Instant now = clock.instant();
        if (current == null) {
            return;
        }
        if (!now.isBefore(current.start().plus(window))) {
            windows.remove(address, current);
            return;
        }
        if (current.failures() >= maxFailures) {
            // Rounded up: a client that waits exactly Retry-After must find the window over.
            long retry = Math.max(1, (Duration.between(now, current.start().plus(window)).toMillis() + 999) / 1000);
            EdpException problem = new EdpException(HttpStatus.TOO_MANY_REQUESTS, code, "Too many failed " + what,
                    "Too many failed " + what + " from " + from + "; retry in " + retry + " s.");
            problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retry));
            throw problem;
        }
    }

    /** @param address the key that just failed */
    public void failed(String address) {
        Instant now = clock.instant();
        windows.compute(address, (key, current) -> current == null || !now.isBefore(current.start().plus(window))
                ? new Window(now, 1) : new Window(current.start(), current.failures() + 1));
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> !now.isBefore(w.start().plus(window)));
        }
    }
}
