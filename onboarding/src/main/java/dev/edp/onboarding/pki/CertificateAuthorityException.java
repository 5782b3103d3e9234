package dev.edp.onboarding.pki;

/**
 * A certificate authority could not do what was asked: CA material that fails validation
 * on import or load, a CA key that cannot be decrypted (wrong key-encryption key,
 * tampered or corrupted ciphertext), or an issued certificate that violates the device
 * profile.
 *
 * <p>
 * These are operator or provider errors, not device errors; the HTTP layer should answer
 * 5xx (or 4xx for an operator's bad import) and log the cause. Messages never contain key
 * material.
 */
public class CertificateAuthorityException extends RuntimeException {

    public CertificateAuthorityException(String message) {
        super(message);
    }

    public CertificateAuthorityException(String message, Throwable cause) {
        super(message, cause);
    }

}
