package dev.edp.onboarding.pki;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.util.io.pem.PemObject;
import org.jspecify.annotations.Nullable;

/**
 * Everything needed to run an {@link EmbeddedCertificateAuthority}, in a form that is
 * safe to store: the CA certificates and the CA private keys encrypted by a
 * {@link CaKeyProtector}.
 *
 * <p>
 * Persist either the three components (chain as {@link #chainPem()}, the two byte arrays)
 * or the single text of {@link #export()}; load with {@link #of(String, byte[], byte[])}
 * or {@link #parse(String)}. Neither form contains a plaintext key; both are useless
 * without the key-encryption key.
 *
 * @param chain issuing CA first, root (self-signed) last
 * @param protectedIssuingKey the issuing CA's private key, encrypted
 * @param protectedRootKey the root CA's private key, encrypted; {@code null} for an
 * imported CA whose root key stays with its owner (needed only to certify a new issuing
 * CA)
 */
public record CaMaterial(List<X509Certificate> chain, byte[] protectedIssuingKey, byte @Nullable [] protectedRootKey) {

    static final String ISSUING_KEY_PEM_TYPE = "EDP PROTECTED ISSUING CA KEY";

    static final String ROOT_KEY_PEM_TYPE = "EDP PROTECTED ROOT CA KEY";

    public CaMaterial {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("The CA chain is empty");
        }
        protectedIssuingKey = protectedIssuingKey.clone();
        protectedRootKey = (protectedRootKey != null) ? protectedRootKey.clone() : null;
    }

    /** From the persisted components. */
    public static CaMaterial of(String chainPem, byte[] protectedIssuingKey, byte @Nullable [] protectedRootKey) {
        return new CaMaterial(Pem.readCertificates(chainPem), protectedIssuingKey, protectedRootKey);
    }

    public X509Certificate issuingCertificate() {
        return this.chain.get(0);
    }

    public X509Certificate rootCertificate() {
        return this.chain.get(this.chain.size() - 1);
    }

    /** The chain as PEM, issuing CA first. */
    public String chainPem() {
        return Pem.certificates(this.chain);
    }

    @Override
    public byte[] protectedIssuingKey() {
        return this.protectedIssuingKey.clone();
    }

    @Override
    public byte @Nullable [] protectedRootKey() {
        return (this.protectedRootKey != null) ? this.protectedRootKey.clone() : null;
    }

    /**
     * One text holding everything: the chain as {@code CERTIFICATE} blocks, then the
     * encrypted keys as {@code EDP PROTECTED ISSUING CA KEY} and
     * {@code EDP PROTECTED ROOT CA KEY} blocks.
     */
    public String export() {
        StringBuilder text = new StringBuilder(chainPem());
        text.append(Pem.write(ISSUING_KEY_PEM_TYPE, this.protectedIssuingKey));
        if (this.protectedRootKey != null) {
            text.append(Pem.write(ROOT_KEY_PEM_TYPE, this.protectedRootKey));
        }
        return text.toString();
    }

    /**
     * Reads the text of {@link #export()}. Structure only;
     * {@link EmbeddedCertificateAuthority#load} checks the chain and the keys.
     * @throws IllegalArgumentException if the text is not in that form
     */
    public static CaMaterial parse(String exported) {
        List<PemObject> objects = Pem.readObjects(exported);
        StringBuilder chainPem = new StringBuilder();
        byte[] issuingKey = null;
        byte[] rootKey = null;
        for (PemObject object : objects) {
            switch (object.getType()) {
                case "CERTIFICATE" -> chainPem.append(Pem.write("CERTIFICATE", object.getContent()));
                case ISSUING_KEY_PEM_TYPE -> {
                    if (issuingKey != null) {
                        throw new IllegalArgumentException("More than one issuing CA key");
                    }
                    issuingKey = object.getContent();
                }
                case ROOT_KEY_PEM_TYPE -> {
                    if (rootKey != null) {
                        throw new IllegalArgumentException("More than one root CA key");
                    }
                    rootKey = object.getContent();
                }
                default -> throw new IllegalArgumentException("Unexpected block " + object.getType());
            }
        }
        if (issuingKey == null) {
            throw new IllegalArgumentException("No issuing CA key");
        }
        return of(chainPem.toString(), issuingKey, rootKey);
    }

    @Override
    public boolean equals(Object other) {
        return (other instanceof CaMaterial that) && this.chain.equals(that.chain)
                && Arrays.equals(this.protectedIssuingKey, that.protectedIssuingKey)
                && Arrays.equals(this.protectedRootKey, that.protectedRootKey);
    }

    @Override
    public int hashCode() {
        return 31 * this.chain.hashCode() + Arrays.hashCode(this.protectedIssuingKey);
    }

    @Override
    public String toString() {
        return "CaMaterial[issuing=" + issuingCertificate().getSubjectX500Principal() + ", root="
                + rootCertificate().getSubjectX500Principal() + ", rootKey=" + (this.protectedRootKey != null) + "]";
    }
}
