package dev.edp.onboarding.pki;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;

/**
 * Degenerate ("certs-only") PKCS#7/CMS SignedData, the format of EST (RFC 7030)
 * responses: {@code cacerts} and {@code simpleenroll} answer
 * {@code application/pkcs7-mime;
 * smime-type=certs-only}, base64 of the DER returned here (the HTTP layer does the
 * base64). A certs-only SignedData has no content and no signers (RFC 5652 / RFC 8551).
 *
 * <p>
 * Note that DER sorts the certificate SET, so the order given is not preserved; EST
 * clients build the chain from names and key identifiers.
 */
public final class Pkcs7 {

    private static final int MAX_CERTIFICATES = 16;

    private Pkcs7() {
    }

    /** DER encoding of a certs-only SignedData holding {@code certificates}. */
    public static byte[] certsOnly(List<X509Certificate> certificates) {
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("At least one certificate");
        }
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new JcaCertStore(certificates));
            CMSSignedData signedData = generator.generate(new CMSAbsentContent(), false);
            return signedData.getEncoded(ASN1Encoding.DER);
        }
        catch (CertificateEncodingException | CMSException | IOException ex) {
            throw new IllegalStateException("Cannot encode certificates as PKCS#7", ex);
        }
    }

    /**
     * Reads the certificates of a certs-only SignedData (DER or BER).
     * @throws IllegalArgumentException if it is not one, or it has signers or content
     */
    public static List<X509Certificate> certificates(byte[] der) {
        try {
            return readCertificates(der);
        }
        catch (IllegalArgumentException ex) {
            throw ex;
        }
        catch (CMSException | RuntimeException ex) {
            // BouncyCastle parses lazily: a malformed structure may only surface when its
            // signers or certificates are read, as an IllegalStateException,
            // ClassCastException or similar. Whatever the parser throws, the caller sent
            // something that is not a certs-only PKCS#7 structure.
            throw new IllegalArgumentException("Not a PKCS#7 SignedData structure", ex);
        }
    }

    private static List<X509Certificate> readCertificates(byte[] der) throws CMSException {
        CMSSignedData signedData = new CMSSignedData(der);
        if (!signedData.getSignerInfos().getSigners().isEmpty() || signedData.getSignedContent() != null) {
            throw new IllegalArgumentException("Not a certs-only PKCS#7 structure: it has content or signers");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (X509CertificateHolder holder : signedData.getCertificates().getMatches(null)) {
            if (certificates.size() == MAX_CERTIFICATES) {
                throw new IllegalArgumentException("Too many certificates");
            }
            try {
                certificates.add(Pem.certificate(holder.getEncoded()));
            }
            catch (IOException ex) {
                throw new IllegalArgumentException("Unreadable certificate in PKCS#7", ex);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("The PKCS#7 structure holds no certificates");
        }
        return List.copyOf(certificates);
    }

}
