package dev.edp.registry.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Compares a presented password with the configured one in constant time. No slow hash:
 * both passwords come from the environment and are in memory anyway, so a hash protects
 * nothing here, while BCrypt would cost tens of milliseconds of CPU on every Eureka call
 * (each service fetches every 5 s and renews every 10 s, with Basic credentials on each
 * request).
 */
final class SecretPasswordEncoder implements PasswordEncoder {

    @Override
    public String encode(CharSequence rawPassword) {
        return rawPassword.toString();
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null) {
            return false;
        }
        // Digests first, so neither the length nor a common prefix shows in the time
        // taken.
        return MessageDigest.isEqual(sha256(rawPassword.toString()), sha256(encodedPassword));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
