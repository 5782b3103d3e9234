package dev.edp.onboarding.pki;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A PKCS#10 request that passed {@link CsrValidator}: well-formed, within the size limit,
 * an allowed key, and a signature that verifies with that key (proof of possession). Only
 * the validator creates instances, so holding one means those checks were made.
 *
 * <p>
 * The requested subject, SANs and extensions are deliberately not exposed: a certificate
 * authority takes only {@link #publicKey()} from a device. The original DER is kept
 * because a provider such as Vault's {@code pki/sign/:role} takes the CSR itself
 * (configured to ignore its subject and SANs).
 */
public final class ValidatedCsr {

    /** The allowed device key types. */
    public enum KeyType {

        /** ECDSA on NIST P-256 (secp256r1). */
        EC_P256,
        /** ECDSA on NIST P-384 (secp384r1). */
        EC_P384,
        /** Ed25519 (RFC 8410). */
        ED25519,
        /** RSA, 2048 to 8192 bits. */
        RSA

    }

    private final PublicKey publicKey;

    private final KeyType keyType;

    private final int keyBits;

    private final byte[] der;

    ValidatedCsr(PublicKey publicKey, KeyType keyType, int keyBits, byte[] der) {
        this.publicKey = publicKey;
        this.keyType = keyType;
        this.keyBits = keyBits;
        this.der = der.clone();
    }

    /** The device's public key: the only thing taken from the request. */
    public PublicKey publicKey() {
        return this.publicKey;
    }

    public KeyType keyType() {
        return this.keyType;
    }

    /** Key size in bits (256, 384, 255 for Ed25519, the modulus length for RSA). */
    public int keyBits() {
        return this.keyBits;
    }

    /** The request as received (DER). */
    public byte[] der() {
        return this.der.clone();
    }

    /**
     * SHA-256 of the SubjectPublicKeyInfo, lowercase hex: a stable key fingerprint for
     * logs and audits.
     */
    public String publicKeyFingerprint() {
        return HexFormat.of().formatHex(Crypto.sha256(this.publicKey.getEncoded()));
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof ValidatedCsr that) && Arrays.equals(this.der, that.der);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(this.der);
    }

    @Override
    public String toString() {
        return "ValidatedCsr[" + this.keyType + " " + this.keyBits + " bits, key sha256=" + publicKeyFingerprint()
                + "]";
    }

}
