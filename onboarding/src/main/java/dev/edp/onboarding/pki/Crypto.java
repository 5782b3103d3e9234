package dev.edp.onboarding.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Small helpers shared by the CA code. Keys and signing use the JDK providers. */
final class Crypto {

    /**
     * A private BouncyCastle provider instance, used only to verify signatures over ASN.1
     * structures (CSRs, imported chains). Deliberately not registered with
     * {@link java.security.Security}, so this package does not change JCA behaviour for
     * the rest of the JVM.
     */
    static final Provider BC = new BouncyCastleProvider();

    static final SecureRandom RANDOM = new SecureRandom();

    private Crypto() {
    }

    /** The JCA signature algorithm a CA with this key signs with. */
    static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC" -> {
                int bits = ((ECKey) key).getParams().getOrder().bitLength();
                yield (bits <= 256) ? "SHA256withECDSA" : (bits <= 384) ? "SHA384withECDSA" : "SHA512withECDSA";
            }
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default ->
                throw new CertificateAuthorityException("CA key algorithm " + key.getAlgorithm() + " is not supported");
        };
    }

    static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(signatureAlgorithm(key)).setSecureRandom(RANDOM).build(key);
        }
        catch (OperatorCreationException ex) {
            throw new CertificateAuthorityException("Cannot create a signer for the CA key", ex);
        }
    }

    /** Signs a certificate with the CA key and returns it in JCA form. */
    static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) {
        X509CertificateHolder holder = builder.build(signer(key));
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        }
        catch (CertificateException ex) {
            throw new CertificateAuthorityException("Cannot encode the certificate", ex);
        }
    }

    /**
     * Proves that {@code key} is the private half of {@code publicKey} by signing a
     * random challenge.
     */
    static boolean keyMatches(PrivateKey key, PublicKey publicKey) {
        if (!compatible(key, publicKey)) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            String algorithm = signatureAlgorithm(key);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        }
        catch (GeneralSecurityException | RuntimeException ex) {
            return false;
        }
    }

    private static boolean compatible(PrivateKey key, PublicKey publicKey) {
        String a = normalise(key.getAlgorithm());
        String b = normalise(publicKey.getAlgorithm());
        if (!a.equals(b)) {
            return false;
        }
        if (key instanceof RSAKey rk && publicKey instanceof RSAKey rp) {
            return rk.getModulus().equals(rp.getModulus());
        }
        return true;
    }

    private static String normalise(String algorithm) {
        return ("EdDSA".equals(algorithm)) ? "Ed25519" : algorithm;
    }

    /**
     * A random positive serial of at most 159 bits (so at most 20 octets DER, as RFC 5280
     * allows) with 159 bits from a CSPRNG: unpredictable, so serials cannot be used for
     * collision attacks.
     */
    static BigInteger randomSerial() {
        BigInteger serial;
        do {
            serial = new BigInteger(159, RANDOM);
        }
        while (serial.bitLength() < 64);
        return serial;
    }

    /**
     * The subject key identifier of a certificate, or one computed from its key (RFC 5280
     * method 1).
     */
    static byte[] subjectKeyIdentifier(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension != null) {
            return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
                .getKeyIdentifier();
        }
        return extensionUtils().createSubjectKeyIdentifier(certificate.getPublicKey()).getKeyIdentifier();
    }

    static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-1 is not available for key identifiers", ex);
        }
    }

    /**
     * The subject exactly as encoded in the certificate (issuer names must match byte for
     * byte).
     */
    static X500Name subject(X509Certificate certificate) {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }

    static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        }
        catch (java.security.cert.CertificateEncodingException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
