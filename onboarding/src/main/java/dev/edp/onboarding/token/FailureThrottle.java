package dev.edp.onboarding.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import dev.edp.platform.problem.EdpException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Slows down token guessing: a remote address with {@code maxFailures} failed enrollments within
 * {@code window} is answered 429 (with {@code Retry-After}) until the window has passed.
 *
 * <p>In memory, so per replica: an attacker spread over N replicas gets N times the budget, which
 * with 256-bit tokens is still harmless; the counter protects the CPU (CSR checks) more than the
 * secret. Behind E3 the remote address is E3's until E3 forwards the device's address.
 */
final class FailureThrottle {

    private record Window(Instant start, int failures) {
    }

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    FailureThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** @throws EdpException 429 while the address is blocked */
    void check(String address) {
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
            long retry = Math.max(1, Duration.between(now, current.start().plus(window)).toSeconds());
            EdpException problem = new EdpException(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_FAILED_ENROLLMENTS",
                    "Too many failed enrollments", "Too many failed enrollments from this address; retry in " + retry + " s.");
            problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retry));
            throw problem;
        }
    }

    void failed(String address) {
        Instant now = clock.instant();
        windows.compute(address, (key, current) -> current == null || !now.isBefore(current.start().plus(window))
                ? new Window(now, 1) : new Window(current.start(), current.failures() + 1));
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> !now.isBefore(w.start().plus(window)));
        }
    }
}
