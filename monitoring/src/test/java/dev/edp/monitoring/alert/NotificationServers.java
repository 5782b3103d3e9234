package dev.edp.monitoring.alert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpServer;
import dev.edp.monitoring.support.TestHeaders;
import dev.edp.test.mail.Mails;
import jakarta.mail.internet.MimeMessage;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The outside world of notifications, started once per test JVM: a real SMTP server
 * (GreenMail) and an in-process HTTP server that records webhook calls and answers each
 * path under {@code /hooks/} with a chosen status, and under {@code /verified/} as a
 * receiver that verifies signature, time and replays. The {@link Initializer} points the
 * service at both and shortens the alert intervals.
 */
final class NotificationServers {

    static final String SUPPORT_EMAIL = "support@edp.test";
    static final String SUPPORT_HOOK = "/hooks/support";
    static final String SUPPORT_SECRET = "support-secret-0123456789";

    /**
     * A webhook call as received.
     *
     * @param receivedAt the receiver's time when it came
     * @param verdict what the verifying receiver ({@code /verified/…}) decided, null
     * elsewhere
     */
    record Call(String path, Map<String, List<String>> headers, byte[] body, Instant receivedAt,
            WebhookVerification.Verdict verdict) {

        String header(String name) {
            return TestHeaders.first(headers, name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static final GreenMail SMTP = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    static final Map<String, Integer> STATUS = new ConcurrentHashMap<>();

    /** Path → Location header sent with its status (redirect tests). */
    static final Map<String, String> LOCATION = new ConcurrentHashMap<>();

    /** Path under {@code /verified/} → the secret its receiver verifies with. */
    static final Map<String, String> SECRETS = new ConcurrentHashMap<>();

    /**
     * Deliveries a verifying receiver accepted (path and the body's deliveryId): a second
     * one is a replay.
     */
    static final Set<String> ACCEPTED = ConcurrentHashMap.newKeySet();

    /**
     * How far the receivers' clock is ahead of the system clock (replay tests move it).
     */
    static volatile Duration receiverOffset = Duration.ZERO;
    static final HttpServer HOOKS;

    static {
        SMTP.start();
        try {
            HOOKS = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        HOOKS.createContext("/hooks/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            CALLS.add(new Call(path, Map.copyOf(exchange.getRequestHeaders()), body, receiverNow(), null));
            String location = LOCATION.get(path);
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
            }
            exchange.sendResponseHeaders(STATUS.getOrDefault(path, 204), -1);
            exchange.close();
        });
        // A receiver that does what monitoring/README.md asks of one: 204 only for a
        // fresh, correctly signed delivery it has not accepted before; 401 or 409
        // otherwise (the sender then retries).
        HOOKS.createContext("/verified/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            Instant now = receiverNow();
            WebhookVerification.Verdict verdict = WebhookVerification.verify(SECRETS.get(path),
                    exchange.getRequestHeaders().getFirst("X-EDP-Timestamp"),
                    exchange.getRequestHeaders().getFirst("X-EDP-Signature"), body, now);
            if (verdict == WebhookVerification.Verdict.VALID) {
                // De-duplicated by the signed body's deliveryId (the X-EDP-Delivery
                // header is not signed).
                Object delivery = JsonPath.read(new String(body, StandardCharsets.UTF_8), "$.deliveryId");
                if (!ACCEPTED.add(path + "/" + delivery)) {
                    verdict = WebhookVerification.Verdict.REPLAYED;
                }
            }
            CALLS.add(new Call(path, Map.copyOf(exchange.getRequestHeaders()), body, now, verdict));
            int status = switch (verdict) {
                case VALID -> 204;
                case REPLAYED -> 409;
                default -> 401;
            };
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        HOOKS.start();
    }

    static Instant receiverNow() {
        return Instant.now().plus(receiverOffset);
    }

    private NotificationServers() {
    }

    static String hookUrl(String path) {
        return "http://127.0.0.1:" + HOOKS.getAddress().getPort() + path;
    }

    static List<Call> calls(String path) {
        return CALLS.stream().filter(call -> call.path().equals(path)).toList();
    }

    static List<MimeMessage> mailsTo(String address) {
        return Mails.to(SMTP.getReceivedMessages(), address);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Same class on every alert test, so they share one context. */
    static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of("spring.mail.host=127.0.0.1", "spring.mail.port=" + SMTP.getSmtp().getPort(),
                    "edp.monitoring.alerts.evaluate-interval=200ms", "edp.monitoring.notifications.send-interval=200ms",
                    "edp.monitoring.notifications.initial-backoff=100ms",
                    "edp.monitoring.notifications.max-backoff=400ms",
                    "edp.monitoring.notifications.allow-http-webhooks=true",
                    // The webhook receiver is on 127.0.0.1.
                    "edp.monitoring.notifications.allow-private-webhook-targets=true",
                    "edp.monitoring.support.emails=" + SUPPORT_EMAIL,
                    "edp.monitoring.support.webhook-url=" + hookUrl(SUPPORT_HOOK),
                    "edp.monitoring.support.webhook-secret=" + SUPPORT_SECRET)
                .applyTo(context);
        }

    }

}
