package dev.edp.monitoring.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a webhook receiver does, as monitoring/README.md describes it (the README's
 * snippet is this code): the timestamp within the tolerance, then the signature over
 * timestamp and body, compared in constant time. De-duplicating the delivery is the
 * receiver's part (see the test receiver).
 */
final class WebhookVerification {

    static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** The outcome. */
    enum Verdict {

        VALID, MISSING_HEADERS, STALE_TIMESTAMP, BAD_SIGNATURE, REPLAYED

    }

    private WebhookVerification() {
    }

    static Verdict verify(String secret, String timestampHeader, String signatureHeader, byte[] body, Instant now) {
        if (secret == null || timestampHeader == null || signatureHeader == null) {
            return Verdict.MISSING_HEADERS;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.strip());
        }
        catch (NumberFormatException ex) {
            return Verdict.MISSING_HEADERS;
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > TOLERANCE.toSeconds()) {
            return Verdict.STALE_TIMESTAMP;
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            expected = mac.doFinal(body);
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
        for (String part : signatureHeader.split(",")) {
            String value = part.strip();
            if (value.startsWith("v1=")) {
                try {
                    if (MessageDigest.isEqual(expected, HexFormat.of().parseHex(value.substring(3)))) {
                        return Verdict.VALID;
                    }
                }
                catch (IllegalArgumentException ex) {
                    // Not hex: not a match.
                }
            }
        }
        return Verdict.BAD_SIGNATURE;
    }

}
