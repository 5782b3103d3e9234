package dev.edp.onboarding.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM encoding (RFC 7468) of certificates, chains, private keys and CRLs, and strict
 * reading of certificate chains and private keys. Reading never silently skips content of
 * an unexpected type: a chain with a key in it is an error, not a shorter chain.
 */
public final class Pem {

    private static final int MAX_PEM_CHARS = 1024 * 1024;

    private Pem() {
    }

    /** One certificate as a {@code CERTIFICATE} block. */
    public static String certificate(X509Certificate certificate) {
        return write("CERTIFICATE", Crypto.encoded(certificate));
    }

    /** Certificates as consecutive {@code CERTIFICATE} blocks, in the given order. */
    public static String certificates(List<X509Certificate> certificates) {
        StringBuilder pem = new StringBuilder();
        certificates.forEach((certificate) -> pem.append(certificate(certificate)));
        return pem.toString();
    }

    /**
     * A private key as an unencrypted PKCS#8 {@code PRIVATE KEY} block. Handle with care.
     */
    public static String privateKey(PrivateKey key) {
        byte[] pkcs8 = key.getEncoded();
        try {
            return write("PRIVATE KEY", pkcs8);
        }
        finally {
            Crypto.wipe(pkcs8);
        }
    }

    /**
     * A DER PKCS#10 request as a {@code CERTIFICATE REQUEST} block (what Vault's sign
     * endpoint takes).
     */
    public static String certificateRequest(byte[] der) {
        return write("CERTIFICATE REQUEST", der);
    }

    /** A DER CRL as an {@code X509 CRL} block. */
    public static String crl(byte[] der) {
        return write("X509 CRL", der);
    }

    static String write(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toString();
    }

    /**
     * Reads one or more {@code CERTIFICATE} blocks, in order.
     * @throws IllegalArgumentException if there is none, a block of another type, or a
     * block that is not a certificate
     */
    public static List<X509Certificate> readCertificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (PemObject object : readObjects(pem)) {
            if (!"CERTIFICATE".equals(object.getType())) {
                throw new IllegalArgumentException("Expected only CERTIFICATE blocks, found " + object.getType());
            }
            certificates.add(certificate(object.getContent()));
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("No CERTIFICATE block found");
        }
        return List.copyOf(certificates);
    }

    /** Parses a DER certificate. */
    public static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        }
        catch (CertificateException | RuntimeException ex) {
            throw new IllegalArgumentException("Not a valid X.509 certificate", ex);
        }
    }

    /** Parses a CRL from DER or PEM. */
    public static X509CRL readCrl(byte[] derOrPem) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(derOrPem));
        }
        catch (CertificateException | java.security.cert.CRLException | RuntimeException ex) {
            throw new IllegalArgumentException("Not a valid X.509 CRL", ex);
        }
    }

    /**
     * Reads exactly one unencrypted private key: PKCS#8 {@code PRIVATE KEY}, or the
     * traditional {@code EC PRIVATE KEY} / {@code RSA PRIVATE KEY} forms. EC, RSA and
     * Ed25519 keys.
     * @throws IllegalArgumentException for anything else (including encrypted keys); the
     * message never contains key material
     */
    public static PrivateKey readPrivateKey(String pem) {
        if (pem.length() > MAX_PEM_CHARS) {
            throw new IllegalArgumentException("PEM data too large");
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        }
        catch (IOException | RuntimeException ex) {
            throw new IllegalArgumentException("Unreadable PEM private key");
        }
        if (objects.size() != 1) {
            throw new IllegalArgumentException(
                    "Expected exactly one private key block, found " + objects.size() + " blocks");
        }
        PrivateKeyInfo info = switch (objects.get(0)) {
            case PrivateKeyInfo keyInfo -> keyInfo;
            case PEMKeyPair pair -> pair.getPrivateKeyInfo();
            default -> throw new IllegalArgumentException("Expected an unencrypted private key");
        };
        return privateKey(info);
    }

    static PrivateKey privateKey(PrivateKeyInfo info) {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm;
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            algorithm = "EC";
        }
        else if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            algorithm = "RSA";
        }
        else if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            algorithm = "Ed25519";
        }
        else {
            throw new IllegalArgumentException("Unsupported private key algorithm " + oid);
        }
        byte[] pkcs8 = null;
        try {
            pkcs8 = info.getEncoded();
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        }
        catch (IOException | GeneralSecurityException ex) {
            throw new IllegalArgumentException("Invalid " + algorithm + " private key");
        }
        finally {
            Crypto.wipe(pkcs8);
        }
    }

    static List<PemObject> readObjects(String pem) {
        if (pem.length() > MAX_PEM_CHARS) {
            throw new IllegalArgumentException("PEM data too large");
        }
        List<PemObject> objects = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            for (PemObject object = reader.readPemObject(); object != null; object = reader.readPemObject()) {
                objects.add(object);
            }
        }
        catch (IOException | RuntimeException ex) {
            throw new IllegalArgumentException("Unreadable PEM data", ex);
        }
        return objects;
    }

}
