package dev.edp.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM reading and writing for keys (PKCS#8), certificates and CSRs. */
public final class Pems {

    private Pems() {
    }

    /**
     * @param pem one or more {@code CERTIFICATE} blocks
     * @return the certificates in order
     * @throws IllegalArgumentException for anything else
     */
    public static List<X509Certificate> certificates(String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                .stream()
                .map(X509Certificate.class::cast)
                .toList();
        }
        catch (GeneralSecurityException | RuntimeException ex) {
            throw new IllegalArgumentException("Not a PEM certificate list: " + ex.getMessage(), ex);
        }
    }

    /**
     * @param certificates certificates
     * @return them as concatenated PEM blocks
     */
    public static String write(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            out.append(write((Object) certificate));
        }
        return out.toString();
    }

    /**
     * @param key a private key
     * @return it as unencrypted PKCS#8 PEM ({@code PRIVATE KEY})
     */
    public static String writePkcs8(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param pem a {@code PRIVATE KEY} (PKCS#8) block
     * @return the key
     * @throws IllegalArgumentException for anything else, also broken base64 inside the
     * block, which BouncyCastle reports as an unchecked {@code DecoderException}
     */
    public static PrivateKey privateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object parsed = parser.readObject();
            if (parsed instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            throw new IllegalArgumentException("Not a PKCS#8 private key");
        }
        catch (IOException | RuntimeException ex) {
            throw new IllegalArgumentException("Unreadable private key: " + ex.getMessage(), ex);
        }
    }

    static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        return out.toString();
    }

}
