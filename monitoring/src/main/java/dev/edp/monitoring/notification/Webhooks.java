package dev.edp.monitoring.notification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Webhook signatures and secrets. */
final class Webhooks {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Webhooks() {
    }

    /**
     * @param secret the channel's secret
     * @param body the exact request body
     * @return the {@code X-EDP-Signature} value: {@code sha256=} and the hex HMAC-SHA256 of the body
     */
    static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** @return a new random secret, 64 hex characters */
    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
