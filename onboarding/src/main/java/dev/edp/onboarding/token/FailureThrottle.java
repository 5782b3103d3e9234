package dev.edp.onboarding.token;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.pki.CsrRejectedException;
import dev.edp.platform.problem.EdpException;

/**
 * Slows down repeated failures: a key with {@code maxFailures} failures within
 * {@code window} is answered 429 (problem+json with {@code Retry-After}) until the window
 * has passed. Enrollment keys it by the caller's address ({@link #addressKey}: the client
 * address E3 signed, see the starter's {@code CallerAddress}; an IPv6 caller by its /64);
 * renewal by the device id E3 asserted.
 * <p>
 * Optionally also a global ceiling: once {@code globalMaxFailures} failures (of all keys
 * together) fell within one window, every key is answered 429 until that window has
 * passed. A key stops counting once it is blocked, so one key adds at most
 * {@code maxFailures} per window and can never reach a ceiling above that: the ceiling
 * only stops a flood from many addresses, which protects the CA's CPU (CSR checks) at the
 * price of refusing everyone for the rest of the window.
 * <p>
 * In memory, so per replica: an attacker spread over N replicas gets N times the budget,
 * which with 256-bit tokens is still harmless.
 */
public final class FailureThrottle {

    private record Window(Instant start, int failures) {
    }

    private final int maxFailures;

    private final int globalMaxFailures;

    private final Duration window;

    private final Clock clock;

    private final OnboardingProblem problem;

    private final String what;

    private final String from;

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private final AtomicReference<Window> global = new AtomicReference<>();

    FailureThrottle(int maxFailures, Duration window, Clock clock) {
        this(maxFailures, Integer.MAX_VALUE, window, clock, OnboardingProblem.TOO_MANY_FAILED_ENROLLMENTS,
                "enrollments", "this address");
    }

    /**
     * Per key only.
     * @param maxFailures failures within the window before 429
     * @param window how long failures are remembered (from the first of the window)
     * @param clock the time
     * @param problem the 429's problem (its title names what failed)
     * @param what what failed, plural ("renewals")
     * @param from whose failures, for the detail ("this device")
     */
    public FailureThrottle(int maxFailures, Duration window, Clock clock, OnboardingProblem problem, String what,
            String from) {
        this(maxFailures, Integer.MAX_VALUE, window, clock, problem, what, from);
    }

    /**
     * Per key and with a global ceiling.
     * @param maxFailures failures of one key within the window before 429
     * @param globalMaxFailures failures of all keys within the window before everyone
     * gets 429; must be above {@code maxFailures}
     * @param window how long failures are remembered (from the first of the window)
     * @param clock the time
     * @param problem the 429's problem (its title names what failed)
     * @param what what failed, plural ("renewals")
     * @param from whose failures, for the detail ("this device")
     */
    public FailureThrottle(int maxFailures, int globalMaxFailures, Duration window, Clock clock,
            OnboardingProblem problem, String what, String from) {
        if (globalMaxFailures <= maxFailures) {
            throw new IllegalArgumentException("The global ceiling (" + globalMaxFailures
                    + ") must be above the per-key limit (" + maxFailures + "), or one key could block everyone");
        }
        this.maxFailures = maxFailures;
        this.globalMaxFailures = globalMaxFailures;
        this.window = window;
        this.clock = clock;
        this.problem = problem;
        this.what = what;
        this.from = from;
    }

    /**
     * @param address the key (caller address key, device id)
     * @throws EdpException 429 while the key, or everyone, is blocked
     */
    public void check(String address) {
        Instant now = clock.instant();
        Window all = global.get();
        if (all != null && all.failures() >= globalMaxFailures && now.isBefore(all.start().plus(window))) {
            throw tooMany(now, all, "overall");
        }
        Window current = windows.get(address);
        if (current == null) {
            return;
        }
        if (!now.isBefore(current.start().plus(window))) {
            windows.remove(address, current);
            return;
        }
        if (current.failures() >= maxFailures) {
            throw tooMany(now, current, "from " + from);
        }
    }

    /**
     * @param address the key that just failed
     */
    public void failed(String address) {
        Instant now = clock.instant();
        Window mine = windows.compute(address,
                (key, current) -> current == null || !now.isBefore(current.start().plus(window)) ? new Window(now, 1)
                        : new Window(current.start(), current.failures() + 1));
        if (globalMaxFailures != Integer.MAX_VALUE && mine.failures() <= maxFailures) {
            global.updateAndGet(current -> current == null || !now.isBefore(current.start().plus(window))
                    ? new Window(now, 1) : new Window(current.start(), current.failures() + 1));
        }
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> !now.isBefore(w.start().plus(window)));
        }
    }

    /**
     * Runs an action behind this throttle for one key: refused with 429 before it runs
     * while the key (or everyone) is blocked; a 4xx problem or a rejected CSR from it
     * counts as a failure of the key. The code of each refusal, the 429's too, is handed
     * to {@code refusals} (for the metrics) before it is thrown on.
     * @param key the key (caller address key, device id)
     * @param action what is throttled
     * @param refusals told each refusal's code
     * @return what the action returned
     */
    public <T> T guard(String key, Supplier<T> action, Consumer<String> refusals) {
        try {
            check(key);
        }
        catch (EdpException ex) {
            refusals.accept(ex.getCode());
            throw ex;
        }
        try {
            return action.get();
        }
        catch (EdpException ex) {
            if (ex.getStatusCode().is4xxClientError()) {
                failed(key);
            }
            refusals.accept(ex.getCode());
            throw ex;
        }
        catch (CsrRejectedException ex) {
            failed(key);
            refusals.accept(ex.code());
            throw ex;
        }
    }

    private EdpException tooMany(Instant now, Window blocking, String whose) {
        // Rounded up: a client that waits exactly Retry-After must find the window over.
        long retry = Math.max(1, (Duration.between(now, blocking.start().plus(window)).toMillis() + 999) / 1000);
        return problem.exception("Too many failed " + what + " " + whose + "; retry in " + retry + " s.")
            .retryAfter(retry);
    }

    /**
     * The throttle key of a caller address: an IPv4 address as it is, an IPv6 address by
     * its /64 network (one subscriber usually holds a whole /64, so single IPv6 addresses
     * would be free).
     * @param address an IP address in text form
     * @return the key
     */
    public static String addressKey(String address) {
        try {
            InetAddress parsed = InetAddress.ofLiteral(address);
            if (parsed instanceof Inet6Address) {
                byte[] network = Arrays.copyOf(parsed.getAddress(), 16);
                Arrays.fill(network, 8, 16, (byte) 0);
                return InetAddress.getByAddress(network).getHostAddress() + "/64";
            }
            return parsed.getHostAddress();
        }
        catch (IllegalArgumentException | java.net.UnknownHostException ex) {
            return address;
        }
    }

}
