package dev.edp.onboarding.pki;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The end-entity (leaf) certificates an issuing CA signs, devices' and servers' alike:
 * their validity (from {@link DeviceCertificateProfile#CLOCK_SKEW} before now for the
 * clock skew of the other side, to now plus what was asked for, never outside the issuing
 * CA's own validity, and refused once the CA has expired) and the extensions every leaf
 * has (not a CA, digitalSignature only, the one extended key usage of its role, its
 * names, subject and authority key identifiers). What differs per profile (the subject, a
 * CRL distribution point) is the caller's.
 */
final class LeafCertificates {

    /** The validity of one leaf, in whole seconds, and the moment it was decided. */
    record Validity(Instant now, Instant notBefore, Instant notAfter) {
    }

    /** A profile's own additions to a leaf: extensions beyond the common ones. */
    @FunctionalInterface
    interface Extras {

        /** No additions. */
        Extras NONE = builder -> {
        };

        void addTo(X509v3CertificateBuilder builder) throws CertIOException;

    }

    private final X509Certificate issuing;

    private final PrivateKey issuingKey;

    private final byte[] issuingKeyId;

    private final Clock clock;

    LeafCertificates(X509Certificate issuing, PrivateKey issuingKey, Clock clock) {
        this.issuing = issuing;
        this.issuingKey = issuingKey;
        this.issuingKeyId = Crypto.subjectKeyIdentifier(issuing);
        this.clock = clock;
    }

    /**
     * @param requested how long the leaf should be valid
     * @return its validity within the issuing CA's
     * @throws CertificateAuthorityException when the issuing CA has expired
     */
    Validity validity(Duration requested) {
        // Certificates carry whole seconds; truncating keeps IssuedCertificate and the
        // certificate equal.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notBefore = latest(now.minus(DeviceCertificateProfile.CLOCK_SKEW), issuing.getNotBefore().toInstant());
        Instant notAfter = earliest(now.plus(requested), issuing.getNotAfter().toInstant());
        if (!notAfter.isAfter(now)) {
            throw new CertificateAuthorityException("The issuing CA has expired; rotate the CA");
        }
        return new Validity(now, notBefore, notAfter);
    }

    /**
     * Builds and signs a leaf.
     * @param what which kind, for error messages ("device", "server")
     * @param subject its subject
     * @param key its public key
     * @param validity its validity
     * @param purpose its one extended key usage
     * @param names its subject alternative names
     * @param extras what its profile adds
     * @return the signed certificate
     */
    X509Certificate sign(String what, X500Name subject, PublicKey key, Validity validity, KeyPurposeId purpose,
            GeneralNames names, Extras extras) {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(Crypto.subject(issuing),
                Crypto.randomSerial(), Date.from(validity.notBefore()), Date.from(validity.notAfter()), subject, key);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            // TLS authentication (1.2 and 1.3) only signs; nothing else is granted.
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.subjectAlternativeName, false, names);
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    Crypto.extensionUtils().createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuingKeyId));
            extras.addTo(builder);
        }
        catch (CertIOException ex) {
            throw new CertificateAuthorityException("Cannot build the " + what + " certificate", ex);
        }
        return Crypto.sign(builder, issuingKey);
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

}
