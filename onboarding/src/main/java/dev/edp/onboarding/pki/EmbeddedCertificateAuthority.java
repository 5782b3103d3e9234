package dev.edp.onboarding.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

import dev.edp.platform.device.DeviceIdentity;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The default {@link CertificateAuthority}: a two-tier CA run in-process with
 * BouncyCastle.
 *
 * <p>
 * A {@linkplain #generate generated} CA has a root (EC P-384, ECDSA with SHA-384, 10
 * years, basicConstraints CA, keyUsage keyCertSign+cRLSign) and an issuing CA signed by
 * it (EC P-384, 5 years, basicConstraints CA with pathLen 0, keyUsage
 * keyCertSign+cRLSign), both with subject and authority key identifiers. An existing CA
 * can be {@linkplain #importPem imported} instead. The issuing CA signs device
 * certificates ({@link DeviceCertificateProfile}: random 159-bit serial, notBefore 5
 * minutes in the past for device clock skew, notAfter now + validity but not beyond the
 * issuing CA's own notAfter, optional CRL distribution point) and CRLs.
 *
 * <p>
 * Keys at rest: {@link #material()} holds only ciphertext ({@link CaKeyProtector}); the
 * decrypted issuing key lives only in this object's memory, the root key is never
 * decrypted in normal operation. Immutable and thread-safe.
 */
public final class EmbeddedCertificateAuthority implements CertificateAuthority {

    /** Validity of a generated root CA. */
    public static final Duration ROOT_VALIDITY = Duration.ofDays(3653);

    /** Validity of a generated issuing CA. */
    public static final Duration ISSUING_VALIDITY = Duration.ofDays(1826);

    private static final int MAX_CHAIN_LENGTH = 4;

    private final CaMaterial material;

    private final X509Certificate issuing;

    private final PrivateKey issuingKey;

    private final byte[] issuingKeyId;

    private final EmbeddedCaSettings settings;

    private final LeafCertificates leaves;

    private EmbeddedCertificateAuthority(CaMaterial material, PrivateKey issuingKey, EmbeddedCaSettings settings) {
        this.material = material;
        this.issuing = material.issuingCertificate();
        this.issuingKey = issuingKey;
        this.issuingKeyId = Crypto.subjectKeyIdentifier(this.issuing);
        this.settings = settings;
        this.leaves = new LeafCertificates(this.issuing, issuingKey, settings.clock());
    }

    /** Generates a new root and issuing CA; persist {@link #material()} afterwards. */
    public static EmbeddedCertificateAuthority generate(CaKeyProtector protector, EmbeddedCaSettings settings) {
        Instant now = now(settings);
        Instant notBefore = now.minus(DeviceCertificateProfile.CLOCK_SKEW);
        KeyPair rootKeys = ecP384();
        KeyPair issuingKeys = ecP384();
        X500Name rootName = caName(settings.name() + " Root CA");
        X500Name issuingName = caName(settings.name() + " Issuing CA");

        X509v3CertificateBuilder root = new JcaX509v3CertificateBuilder(rootName, Crypto.randomSerial(),
                Date.from(notBefore), Date.from(now.plus(ROOT_VALIDITY)), rootName, rootKeys.getPublic());
        byte[] rootKeyId = Crypto.extensionUtils().createSubjectKeyIdentifier(rootKeys.getPublic()).getKeyIdentifier();
        caExtensions(root, new BasicConstraints(true), rootKeyId, rootKeyId);
        X509Certificate rootCert = Crypto.sign(root, rootKeys.getPrivate());

        X509v3CertificateBuilder issuingBuilder = new JcaX509v3CertificateBuilder(rootCert, Crypto.randomSerial(),
                Date.from(notBefore), Date.from(now.plus(ISSUING_VALIDITY)), issuingName, issuingKeys.getPublic());
        caExtensions(issuingBuilder, new BasicConstraints(0),
                Crypto.extensionUtils().createSubjectKeyIdentifier(issuingKeys.getPublic()).getKeyIdentifier(),
                rootKeyId);
        X509Certificate issuingCert = Crypto.sign(issuingBuilder, rootKeys.getPrivate());

        CaMaterial material = new CaMaterial(List.of(issuingCert, rootCert),
                protector.encrypt(issuingKeys.getPrivate(), issuingKeyContext(issuingCert)),
                protector.encrypt(rootKeys.getPrivate(), rootKeyContext(rootCert)));
        return new EmbeddedCertificateAuthority(material, issuingKeys.getPrivate(), settings);
    }

    /**
     * Loads persisted CA material: decrypts the issuing key and checks the chain
     * (signatures, names, CA flags, key usage, validity now) and that the key belongs to
     * the issuing certificate.
     * @throws CertificateAuthorityException if anything does not fit
     */
    public static EmbeddedCertificateAuthority load(CaMaterial material, CaKeyProtector protector,
            EmbeddedCaSettings settings) {
        checkChain(material.chain(), now(settings));
        X509Certificate issuingCert = material.issuingCertificate();
        PrivateKey key = protector.decryptPrivateKey(material.protectedIssuingKey(), issuingKeyContext(issuingCert),
                issuingCert.getPublicKey().getAlgorithm());
        checkKey(key, issuingCert);
        return new EmbeddedCertificateAuthority(material, key, settings);
    }

    /**
     * Imports an existing CA: its issuing CA's private key (unencrypted PEM: PKCS#8 or
     * the traditional EC/RSA form) and its chain (PEM, issuing CA first, ending with a
     * self-signed root). Checks that the chain is a valid CA chain usable now, that the
     * issuing certificate may sign certificates and CRLs, and that the key belongs to it.
     * The key is then only held encrypted in {@link #material()} (without a root key).
     * @throws CertificateAuthorityException if the material is unusable or inconsistent
     */
    public static EmbeddedCertificateAuthority importPem(String privateKeyPem, String chainPem,
            CaKeyProtector protector, EmbeddedCaSettings settings) {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Pem.readCertificates(chainPem);
            key = Pem.readPrivateKey(privateKeyPem);
        }
        catch (IllegalArgumentException ex) {
            throw new CertificateAuthorityException("Cannot import the CA: " + ex.getMessage());
        }
        checkChain(chain, now(settings));
        checkKey(key, chain.get(0));
        CaMaterial material = new CaMaterial(chain, protector.encrypt(key, issuingKeyContext(chain.get(0))), null);
        return new EmbeddedCertificateAuthority(material, key, settings);
    }

    /** The CA in its storable form (certificates and encrypted keys). */
    public CaMaterial material() {
        return this.material;
    }

    @Override
    public List<X509Certificate> chain() {
        return this.material.chain();
    }

    @Override
    public IssuedCertificate issue(DeviceCertificateRequest request) {
        LeafCertificates.Validity validity = this.leaves.validity(request.validity());
        DeviceIdentity identity = request.identity();
        X509Certificate certificate = this.leaves.sign("device", DeviceCertificateProfile.subject(identity),
                request.csr().publicKey(), validity, KeyPurposeId.id_kp_clientAuth,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri())), builder -> {
                    if (this.settings.crlDistributionPoint() != null) {
                        GeneralNames uri = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
                                this.settings.crlDistributionPoint().toString()));
                        builder.addExtension(Extension.cRLDistributionPoints, false,
                                new CRLDistPoint(new DistributionPoint[] {
                                        new DistributionPoint(new DistributionPointName(uri), null, null) }));
                    }
                });
        IssuedCertificate issued = new IssuedCertificate(certificate, chain());
        DeviceCertificateProfile.verify(request, issued, validity.now());
        return issued;
    }

    @Override
    public IssuedCertificate issueServer(ServerCertificateRequest request) {
        LeafCertificates.Validity validity = this.leaves.validity(request.validity());
        PublicKey publicKey = request.csr().publicKey();
        String commonName = request.dnsNames().isEmpty() ? request.ipAddresses().get(0).getHostAddress()
                : request.dnsNames().get(0);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName)
            .addRDN(BCStyle.O, DeviceCertificateProfile.ORGANIZATION)
            .build();
        java.util.List<GeneralName> names = new java.util.ArrayList<>();
        request.dnsNames().forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        request.ipAddresses().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress())));
        X509Certificate certificate = this.leaves.sign("server", subject, publicKey, validity,
                KeyPurposeId.id_kp_serverAuth, new GeneralNames(names.toArray(GeneralName[]::new)),
                LeafCertificates.Extras.NONE);
        try {
            // Same rule as for devices: check what is about to be handed out.
            certificate.verify(this.issuing.getPublicKey());
            if (!certificate.getPublicKey().equals(publicKey)
                    || !java.util.List.of(KeyPurposeId.id_kp_serverAuth.getId())
                        .equals(certificate.getExtendedKeyUsage())
                    || certificate.getBasicConstraints() >= 0) {
                throw new CertificateAuthorityException("The issued server certificate does not match its profile");
            }
        }
        catch (GeneralSecurityException ex) {
            throw new CertificateAuthorityException("The issued server certificate does not verify", ex);
        }
        return new IssuedCertificate(certificate, chain());
    }

    @Override
    public byte[] crl(CrlRequest request) {
        X509v2CRLBuilder builder = new X509v2CRLBuilder(Crypto.subject(this.issuing),
                Date.from(request.thisUpdate().truncatedTo(ChronoUnit.SECONDS)));
        builder.setNextUpdate(Date.from(request.nextUpdate().truncatedTo(ChronoUnit.SECONDS)));
        try {
            for (RevokedEntry entry : request.revoked()) {
                Date revokedAt = Date.from(entry.revokedAt().truncatedTo(ChronoUnit.SECONDS));
                if (entry.reason() == RevokedEntry.Reason.UNSPECIFIED) {
                    // RFC 5280 5.3.1: omit the reason code rather than write
                    // "unspecified".
                    builder.addCRLEntry(entry.serialNumber(), revokedAt, (Extensions) null);
                }
                else {
                    builder.addCRLEntry(entry.serialNumber(), revokedAt,
                            new Extensions(new Extension(Extension.reasonCode, false,
                                    CRLReason.lookup(entry.reason().code()).getEncoded())));
                }
            }
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(request.crlNumber()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new AuthorityKeyIdentifier(this.issuingKeyId));
            return builder.build(Crypto.signer(this.issuingKey)).getEncoded();
        }
        catch (IOException ex) {
            throw new CertificateAuthorityException("Cannot build the CRL", ex);
        }
    }

    private static Instant now(EmbeddedCaSettings settings) {
        // Certificates carry whole seconds; truncating keeps IssuedCertificate and the
        // certificate equal.
        return settings.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static KeyPair ecP384() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp384r1"), Crypto.RANDOM);
            return generator.generateKeyPair();
        }
        catch (GeneralSecurityException ex) {
            throw new CertificateAuthorityException("Cannot generate an EC P-384 key", ex);
        }
    }

    private static X500Name caName(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, DeviceCertificateProfile.ORGANIZATION)
            .addRDN(BCStyle.CN, commonName)
            .build();
    }

    private static void caExtensions(X509v3CertificateBuilder builder, BasicConstraints constraints, byte[] keyId,
            byte[] authorityKeyId) {
        try {
            builder.addExtension(Extension.basicConstraints, true, constraints);
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new org.bouncycastle.asn1.x509.SubjectKeyIdentifier(keyId));
            builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(authorityKeyId));
        }
        catch (CertIOException ex) {
            throw new CertificateAuthorityException("Cannot build the CA certificate", ex);
        }
    }

    static String issuingKeyContext(X509Certificate certificate) {
        return "issuing:" + keyFingerprint(certificate);
    }

    static String rootKeyContext(X509Certificate certificate) {
        return "root:" + keyFingerprint(certificate);
    }

    private static String keyFingerprint(X509Certificate certificate) {
        return Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Crypto.sha256(certificate.getPublicKey().getEncoded()));
    }

    /**
     * A usable CA chain: 1..4 certificates, each a CA (basicConstraints CA, keyUsage
     * keyCertSign), the first also allowed to sign CRLs, the last self-signed, and the
     * whole path valid now under RFC 5280 rules (the JDK's PKIX validator: names,
     * signatures, path length, validity).
     */
    static void checkChain(List<X509Certificate> chain, Instant now) {
        if (chain.isEmpty() || chain.size() > MAX_CHAIN_LENGTH) {
            throw new CertificateAuthorityException("A CA chain has 1 to " + MAX_CHAIN_LENGTH + " certificates");
        }
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate cert = chain.get(i);
            boolean[] keyUsage = cert.getKeyUsage();
            if (cert.getBasicConstraints() < 0 || keyUsage == null || !keyUsage[5]) {
                throw new CertificateAuthorityException("Certificate " + cert.getSubjectX500Principal()
                        + " is not a CA certificate (basicConstraints CA and keyUsage keyCertSign)");
            }
            if (i == 0 && !keyUsage[6]) {
                throw new CertificateAuthorityException(
                        "The issuing CA certificate does not allow signing CRLs (keyUsage cRLSign)");
            }
        }
        X509Certificate root = chain.get(chain.size() - 1);
        try {
            if (!root.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
                throw new CertificateAuthorityException("The last certificate of the chain is not a self-signed root");
            }
            root.verify(root.getPublicKey());
            root.checkValidity(Date.from(now));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, chain.size() - 1)),
                        parameters);
        }
        catch (CertificateAuthorityException ex) {
            throw ex;
        }
        catch (GeneralSecurityException | RuntimeException ex) {
            throw new CertificateAuthorityException("The CA chain is not valid: " + ex.getMessage(), ex);
        }
    }

    private static void checkKey(PrivateKey key, X509Certificate certificate) {
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw new CertificateAuthorityException("RSA CA keys must have at least 2048 bits");
        }
        if (key instanceof ECKey ec && ec.getParams().getOrder().bitLength() < 256) {
            throw new CertificateAuthorityException("EC CA keys must be at least 256 bits");
        }
        if (!Crypto.keyMatches(key, certificate.getPublicKey())) {
            throw new CertificateAuthorityException("The private key does not belong to the issuing CA certificate");
        }
    }

    @Override
    public String toString() {
        return "EmbeddedCertificateAuthority[" + this.issuing.getSubjectX500Principal() + "]";
    }

}
