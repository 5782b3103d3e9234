package dev.edp.onboarding.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

import dev.edp.platform.device.DeviceIdentity;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * The profile every device certificate follows, and the check that enforces it on
 * whatever a {@link CertificateAuthority} provider produced.
 *
 * <ul>
 * <li>version 3; subject exactly {@code CN=<device id>, O=EDP};</li>
 * <li>exactly one subjectAltName: the URI {@link DeviceIdentity#uri()};</li>
 * <li>extendedKeyUsage: {@code id-kp-clientAuth} and nothing else (the certificate cannot
 * serve TLS, sign code or act as a CA);</li>
 * <li>keyUsage present with digitalSignature (TLS 1.2/1.3 client authentication signs
 * handshakes) and without keyCertSign/cRLSign; basicConstraints absent or CA:false;</li>
 * <li>no critical extension other than basicConstraints, keyUsage, extendedKeyUsage and
 * subjectAltName;</li>
 * <li>the requested public key; a positive serial of 64 to 159 bits; issued and
 * verifiable by the first certificate of the chain; valid now and not beyond now + the
 * requested validity.</li>
 * </ul>
 */
public final class DeviceCertificateProfile {

    /** Organization in every device subject. */
    public static final String ORGANIZATION = "EDP";

    /**
     * How far providers may date notBefore back (clock skew of devices) and tolerance of
     * this check.
     */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Set<String> ALLOWED_CRITICAL = Set.of(Extension.basicConstraints.getId(),
            Extension.keyUsage.getId(), Extension.extendedKeyUsage.getId(), Extension.subjectAlternativeName.getId());

    private static final int KU_DIGITAL_SIGNATURE = 0;

    private static final int KU_KEY_CERT_SIGN = 5;

    private static final int KU_CRL_SIGN = 6;

    private DeviceCertificateProfile() {
    }

    /** The subject a device certificate carries: {@code CN=<device id>, O=EDP}. */
    public static X500Name subject(DeviceIdentity identity) {
        // RDNs in encoding order: O first, CN last (printed by RFC 4514 as
        // "CN=...,O=EDP").
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANIZATION)
            .addRDN(BCStyle.CN, identity.deviceId().toString())
            .build();
    }

    /**
     * Checks an issued certificate against the request and this profile.
     * @param now the time of issuance
     * @throws CertificateAuthorityException naming the first violation found
     */
    public static void verify(DeviceCertificateRequest request, IssuedCertificate issued, Instant now) {
        X509Certificate cert = issued.certificate();
        X509Certificate issuer = issued.chain().get(0);
        require(cert.getVersion() == 3, "is not an X.509 v3 certificate");
        require(Arrays.equals(cert.getPublicKey().getEncoded(), request.csr().publicKey().getEncoded()),
                "does not certify the requested public key");
        require(expectedSubject(request).equals(cert.getSubjectX500Principal()),
                "has subject " + cert.getSubjectX500Principal() + " instead of CN=" + request.deviceId() + ",O=EDP");
        DeviceIdentity identity;
        try {
            identity = DeviceIdentity.fromCertificate(cert);
        }
        catch (IllegalArgumentException ex) {
            throw violation("does not carry exactly one device identity URI SAN (" + ex.getMessage() + ")");
        }
        require(identity.equals(request.identity()),
                "carries identity " + identity.uri() + " instead of " + request.identity().uri());
        try {
            require(List.of(KeyPurposeId.id_kp_clientAuth.getId()).equals(cert.getExtendedKeyUsage()),
                    "must have extendedKeyUsage clientAuth only");
        }
        catch (CertificateParsingException ex) {
            throw violation("has an unreadable extendedKeyUsage");
        }
        boolean[] keyUsage = cert.getKeyUsage();
        require(keyUsage != null && keyUsage[KU_DIGITAL_SIGNATURE], "must have keyUsage digitalSignature");
        require(!bit(keyUsage, KU_KEY_CERT_SIGN) && !bit(keyUsage, KU_CRL_SIGN),
                "must not have keyUsage keyCertSign or cRLSign");
        require(cert.getBasicConstraints() == -1, "must not be a CA certificate");
        Set<String> critical = cert.getCriticalExtensionOIDs();
        require(critical == null || ALLOWED_CRITICAL.containsAll(critical), "has an unexpected critical extension");
        require(cert.getSerialNumber().signum() > 0 && cert.getSerialNumber().bitLength() >= 64
                && cert.getSerialNumber().bitLength() <= 159, "has a serial outside 64..159 bits");
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        require(!notBefore.isAfter(now.plus(CLOCK_SKEW)), "is not valid yet");
        require(!notBefore.isBefore(now.minus(CLOCK_SKEW).minusSeconds(60)), "is dated back too far");
        require(!notAfter.isAfter(now.plus(request.validity()).plus(CLOCK_SKEW)), "is valid longer than requested");
        require(notAfter.isAfter(now), "is already expired");
        require(cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal()),
                "was not issued by the first certificate of the chain");
        try {
            cert.verify(issuer.getPublicKey(), Crypto.BC);
        }
        catch (GeneralSecurityException | RuntimeException ex) {
            throw violation("does not verify with the issuing CA's key");
        }
    }

    private static X500Principal expectedSubject(DeviceCertificateRequest request) {
        try {
            return new X500Principal(subject(request.identity()).getEncoded());
        }
        catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static boolean bit(boolean[] bits, int index) {
        return bits != null && bits.length > index && bits[index];
    }

    private static void require(boolean condition, String violation) {
        if (!condition) {
            throw violation(violation);
        }
    }

    private static CertificateAuthorityException violation(String what) {
        return new CertificateAuthorityException("The issued device certificate " + what);
    }

}
