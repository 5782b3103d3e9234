package dev.edp.monitoring.notification;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts webhook secrets for storage, as onboarding encrypts its CA keys: the database
 * holds only ciphertext, the key lives in configuration
 * ({@code EDP_MONITORING_SECRETS_KEY}, from a secret store; {@code ./edp up} generates
 * one into {@code .edp/secrets.properties}).
 *
 * <h2>Format (version 1)</h2> <pre>
 * byte 0        format version, 0x01
 * bytes 1..12   random 96-bit GCM nonce (fresh per encryption)
 * bytes 13..    AES-256-GCM ciphertext of the UTF-8 secret, followed by the 128-bit tag
 * </pre> The associated data is
 * {@code "edp-webhook-secret" 0x00 version 0x00 <channel id>}: the version is
 * authenticated and a ciphertext only decrypts for its own channel, so copying one
 * channel's value into another's row does not lend it that secret. Immutable and
 * thread-safe; the key is copied in and never exposed.
 */
final class ChannelSecrets {

    static final byte VERSION_1 = 1;

    private static final int KEY_BYTES = 32;

    private static final int NONCE_BYTES = 12;

    private static final int TAG_BITS = 128;

    private static final byte[] LABEL = "edp-webhook-secret".getBytes(StandardCharsets.US_ASCII);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private ChannelSecrets(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("it must be exactly 32 bytes, not " + key.length);
        }
        boolean allZero = true;
        for (byte b : key) {
            allZero &= b == 0;
        }
        if (allZero) {
            throw new IllegalArgumentException("it must not be all zeros");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * @param base64 the configured key, base64 of 32 random bytes
     * @return the protector
     * @throws IllegalStateException naming the setting when the key is missing or
     * unusable
     */
    static ChannelSecrets fromConfiguration(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalStateException("No key for webhook secrets: set EDP_MONITORING_SECRETS_KEY "
                    + "(edp.monitoring.notifications.secrets-key) to base64 of 32 random bytes "
                    + "(`openssl rand -base64 32`), kept in a secret store. ./edp up generates one into "
                    + ".edp/secrets.properties.");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalStateException("EDP_MONITORING_SECRETS_KEY (edp.monitoring.notifications.secrets-key) "
                    + "is unusable: it is not valid base64. It must be base64 of 32 random bytes.");
        }
        try {
            return new ChannelSecrets(bytes);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalStateException("EDP_MONITORING_SECRETS_KEY (edp.monitoring.notifications.secrets-key) "
                    + "is unusable: " + ex.getMessage() + ". It must be base64 of 32 random bytes.");
        }
        finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * @param secret the webhook secret
     * @param channel the channel it belongs to
     * @return what to store
     */
    byte[] encrypt(String secret, UUID channel) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(channel));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION_1).put(nonce).put(sealed).array();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Cannot encrypt a webhook secret", ex);
        }
    }

    /**
     * @param stored what {@link #encrypt} returned
     * @param channel the channel it belongs to
     * @return the secret
     * @throws IllegalStateException for another key, another channel, a changed byte or
     * an unknown version
     */
    String decrypt(byte[] stored, UUID channel) {
        if (stored == null || stored.length < 1 + NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("The stored webhook secret is missing or truncated");
        }
        if (stored[0] != VERSION_1) {
            throw new IllegalStateException("The stored webhook secret has an unknown format version");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData(channel));
            return new String(cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES),
                    StandardCharsets.UTF_8);
        }
        catch (AEADBadTagException ex) {
            throw new IllegalStateException("The webhook secret cannot be decrypted: another "
                    + "EDP_MONITORING_SECRETS_KEY than the one it was stored with, or the stored value was changed");
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Cannot decrypt a webhook secret", ex);
        }
    }

    private static byte[] associatedData(UUID channel) {
        byte[] id = channel.toString().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(LABEL.length + 3 + id.length)
            .put(LABEL)
            .put((byte) 0)
            .put(VERSION_1)
            .put((byte) 0)
            .put(id)
            .array();
    }

    @Override
    public String toString() {
        return "ChannelSecrets[AES-256-GCM, v" + VERSION_1 + "]";
    }

}
