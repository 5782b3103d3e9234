package dev.edp.monitoring.notification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures and secrets. Every attempt carries {@value #TIMESTAMP_HEADER} (Unix
 * seconds when it was sent) and {@value #SIGNATURE_HEADER}{@code : v1=<hex>}, the
 * HMAC-SHA256, keyed with the channel's secret, of
 * {@code <timestamp> "." <exact body bytes>}; a receiver refuses a timestamp outside its
 * tolerance (5 minutes), so a captured request cannot be replayed later, and
 * de-duplicates {@value #DELIVERY_HEADER} within it (monitoring/README.md shows the
 * check).
 */
final class Webhooks {

    /** Unix seconds of the attempt; signed. */
    static final String TIMESTAMP_HEADER = "X-EDP-Timestamp";

    /** {@code v1=<hex HMAC-SHA256 of "<timestamp>.<body>">}. */
    static final String SIGNATURE_HEADER = "X-EDP-Signature";

    /** The notification id, the same on every retry. */
    static final String DELIVERY_HEADER = "X-EDP-Delivery";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Webhooks() {
    }

    /**
     * @param secret the channel's secret
     * @param timestamp the attempt's time, Unix seconds, as sent in
     * {@value #TIMESTAMP_HEADER}
     * @param body the exact request body
     * @return the {@value #SIGNATURE_HEADER} value: {@code v1=} and the hex HMAC-SHA256
     * of {@code timestamp + "." + body}
     */
    static String signature(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @return a new random secret, 64 hex characters
     */
    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

}
