package dev.edp.onboarding.pki;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts CA private keys for storage, so the database holds only ciphertext and the
 * key-encryption key (KEK) lives elsewhere (a Kubernetes secret, an environment variable
 * from a secret store).
 *
 * <h2>Format (version 1)</h2> <pre>
 * byte 0        format version, 0x01
 * bytes 1..12   random 96-bit GCM nonce (fresh per encryption)
 * bytes 13..    AES-256-GCM ciphertext of the PKCS#8 PrivateKeyInfo, followed by the 128-bit tag
 * </pre> The associated data is {@code "edp-ca-key" 0x00 version 0x00 context} (UTF-8):
 * the version byte is authenticated (no downgrade), and {@code context} binds the
 * ciphertext to what it protects, so a blob cannot be swapped into another slot (the root
 * key into the issuing key's place, one installation's key into another's CA).
 * {@link EmbeddedCertificateAuthority} uses
 * {@code "<purpose>:<SHA-256 of the certificate's public key>"}.
 *
 * <p>
 * Decryption fails with a {@link CertificateAuthorityException} for a wrong KEK, any
 * changed byte, another context, or an unknown version. Instances are immutable and
 * thread-safe; the KEK is copied in and never exposed.
 */
public final class CaKeyProtector {

    static final byte VERSION_1 = 1;

    private static final int KEK_BYTES = 32;

    private static final int NONCE_BYTES = 12;

    private static final int TAG_BITS = 128;

    private static final byte[] LABEL = "edp-ca-key".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec kek;

    /**
     * @param kek the 32-byte AES-256 key-encryption key (copied)
     */
    public CaKeyProtector(byte[] kek) {
        if (kek == null || kek.length != KEK_BYTES) {
            throw new IllegalArgumentException("The CA key-encryption key must be exactly 32 bytes");
        }
        boolean allZero = true;
        for (byte b : kek) {
            allZero &= (b == 0);
        }
        if (allZero) {
            throw new IllegalArgumentException("The CA key-encryption key must not be all zeros");
        }
        this.kek = new SecretKeySpec(kek.clone(), "AES");
    }

    /** A protector from a base64-encoded 32-byte key, as configuration holds it. */
    public static CaKeyProtector fromBase64(String kek) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(kek.strip());
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("The CA key-encryption key is not valid base64");
        }
        try {
            return new CaKeyProtector(bytes);
        }
        finally {
            Crypto.wipe(bytes);
        }
    }

    /** Encrypts a private key (its PKCS#8 encoding) for {@code context}. */
    public byte[] encrypt(PrivateKey key, String context) {
        byte[] pkcs8 = key.getEncoded();
        if (pkcs8 == null) {
            throw new CertificateAuthorityException("The CA private key cannot be exported for encryption");
        }
        try {
            return encrypt(pkcs8, context);
        }
        finally {
            Crypto.wipe(pkcs8);
        }
    }

    /** Encrypts PKCS#8 bytes for {@code context}. */
    public byte[] encrypt(byte[] pkcs8, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        Crypto.RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, this.kek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(VERSION_1, context));
            byte[] sealed = cipher.doFinal(pkcs8);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION_1).put(nonce).put(sealed).array();
        }
        catch (GeneralSecurityException ex) {
            throw new CertificateAuthorityException("Cannot encrypt the CA key", ex);
        }
    }

    /**
     * Decrypts to PKCS#8 bytes. The caller should wipe the result when done.
     * @throws CertificateAuthorityException if the KEK, the data or the context do not
     * match
     */
    public byte[] decrypt(byte[] protectedKey, String context) {
        if (protectedKey.length < 1 + NONCE_BYTES + TAG_BITS / 8 + 1) {
            throw new CertificateAuthorityException("The protected CA key is truncated");
        }
        if (protectedKey[0] != VERSION_1) {
            throw new CertificateAuthorityException("The protected CA key has an unknown format version");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, this.kek, new GCMParameterSpec(TAG_BITS, protectedKey, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData(VERSION_1, context));
            return cipher.doFinal(protectedKey, 1 + NONCE_BYTES, protectedKey.length - 1 - NONCE_BYTES);
        }
        catch (GeneralSecurityException ex) {
            throw new CertificateAuthorityException(
                    "The CA key cannot be decrypted: wrong key-encryption key, or the stored key was changed", ex);
        }
    }

    /**
     * Decrypts and decodes a private key of the given JCA algorithm ("EC", "RSA",
     * "Ed25519").
     */
    public PrivateKey decryptPrivateKey(byte[] protectedKey, String context, String algorithm) {
        byte[] pkcs8 = decrypt(protectedKey, context);
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        }
        catch (GeneralSecurityException ex) {
            throw new CertificateAuthorityException("The decrypted CA key is not a valid " + algorithm + " key", ex);
        }
        finally {
            Crypto.wipe(pkcs8);
        }
    }

    private static byte[] associatedData(byte version, String context) {
        byte[] contextBytes = context.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(LABEL.length + 3 + contextBytes.length)
            .put(LABEL)
            .put((byte) 0)
            .put(version)
            .put((byte) 0)
            .put(contextBytes)
            .array();
    }

    @Override
    public String toString() {
        return "CaKeyProtector[AES-256-GCM, v" + VERSION_1 + "]";
    }

}
