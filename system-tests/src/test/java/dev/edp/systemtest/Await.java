package dev.edp.systemtest;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting in system tests: a poll against a generous deadline, never a fixed sleep. */
final class Await {

    private static final Duration POLL = Duration.ofMillis(250);

    /** Between requests to the platform: a test's polls must not load it. */
    private static final Duration REQUEST_POLL = Duration.ofMillis(500);

    private Await() {
    }

    /**
     * Polls until the condition holds.
     * @param what what is waited for, for the failure message
     * @param wait the deadline, from now
     * @param done the condition
     * @throws AssertionError when it does not hold within {@code wait}
     */
    static void until(String what, Duration wait, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(wait);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Not within " + wait + ": " + what);
            }
            Thread.sleep(POLL);
        }
    }

    /**
     * Sends a request again and again until it answers 200 with a body that satisfies the
     * condition.
     * @param what what is waited for, for the failure message
     * @param wait the deadline, from now
     * @param request sends the request
     * @param done the condition on the body
     * @return that body
     * @throws AssertionError with the last answer when none satisfied it within
     * {@code wait}
     */
    static String answer(String what, Duration wait, Supplier<HttpResponse<String>> request, Predicate<String> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(wait);
        HttpResponse<String> last;
        do {
            last = request.get();
            if (last.statusCode() == 200 && done.test(last.body())) {
                return last.body();
            }
            Thread.sleep(REQUEST_POLL);
        }
        while (Instant.now().isBefore(deadline));
        throw new AssertionError(
                "Not within " + wait + ": " + what + "; last answer " + last.statusCode() + " " + last.body());
    }

}
