package dev.edp.test.pki;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test PKI shaped like the platform's: a root CA, an issuing CA under it, device
 * certificates with the EDP identity ({@code CN=<device id>}, one URI SAN
 * {@code urn:edp:customer:<uuid>:device:<uuid>}, extendedKeyUsage clientAuth), a TLS
 * server certificate for {@code localhost}, and CRLs. Also the odd ones tests need:
 * expired device certificates, certificates of a foreign CA and self-signed ones. EC
 * P-256 keys (fast to make). For TLS tests with real handshakes,
 * {@link Credential#sslContext} gives a client context.
 */
public final class TestPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Credential root;

    private final Credential issuing;

    private TestPki(Credential root, Credential issuing) {
        this.root = root;
        this.issuing = issuing;
    }

    /**
     * Makes a root CA and an issuing CA under it, valid from an hour ago for ten years.
     * @param name distinguishes this PKI's subjects, e.g. {@code EDP} or {@code Foreign}
     * @return the PKI
     */
    public static TestPki create(String name) {
        Instant now = Instant.now();
        KeyPair rootKeys = keyPair();
        X500Principal rootName = new X500Principal("CN=" + name + " Test Root CA,O=EDP Test");
        X509Certificate rootCert = build(rootName, rootKeys.getPublic(), rootName, rootKeys,
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3650)), Profile.CA_ROOT, null);
        Credential root = new Credential(rootCert, rootKeys.getPrivate(), List.of(rootCert));
        KeyPair issuingKeys = keyPair();
        X509Certificate issuingCert = build(new X500Principal("CN=" + name + " Test Issuing CA,O=EDP Test"),
                issuingKeys.getPublic(), rootName, rootKeys, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(3000)), Profile.CA_ISSUING, null);
        return new TestPki(root, new Credential(issuingCert, issuingKeys.getPrivate(), List.of(issuingCert, rootCert)));
    }

    /**
     * A self-signed certificate that otherwise looks like a device certificate.
     * @param customerId customer
     * @param deviceId device
     * @return the credential
     */
    public static Credential selfSigned(UUID customerId, UUID deviceId) {
        KeyPair keys = keyPair();
        X500Principal subject = new X500Principal("CN=" + deviceId);
        Instant now = Instant.now();
        X509Certificate certificate = build(subject, keys.getPublic(), subject, keys, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(30)), Profile.DEVICE, identityUri(customerId, deviceId));
        return new Credential(certificate, keys.getPrivate(), List.of(certificate));
    }

    /**
     * @return the root CA certificate
     */
    public X509Certificate root() {
        return root.certificate();
    }

    /**
     * @return the issuing CA certificate
     */
    public X509Certificate issuing() {
        return issuing.certificate();
    }

    /**
     * @return the CA chain as PEM, issuing CA first, as onboarding serves
     * {@code ca/chain.pem}
     */
    public String chainPem() {
        return pem(issuing.certificate()) + pem(root.certificate());
    }

    /**
     * A device certificate valid from an hour ago for 30 days.
     * @param customerId customer
     * @param deviceId device
     * @return the credential, chain = device, issuing CA
     */
    public Credential device(UUID customerId, UUID deviceId) {
        Instant now = Instant.now();
        return device(customerId, deviceId, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
    }

    /**
     * A device certificate that expired yesterday.
     * @param customerId customer
     * @param deviceId device
     * @return the credential
     */
    public Credential expiredDevice(UUID customerId, UUID deviceId) {
        Instant now = Instant.now();
        return device(customerId, deviceId, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    }

    /**
     * A device certificate with the given validity.
     * @param customerId customer
     * @param deviceId device
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @return the credential
     */
    public Credential device(UUID customerId, UUID deviceId, Instant notBefore, Instant notAfter) {
        KeyPair keys = keyPair();
        X509Certificate certificate = build(new X500Principal("CN=" + deviceId), keys.getPublic(),
                issuing.certificate().getSubjectX500Principal(),
                new KeyPair(issuing.certificate().getPublicKey(), issuing.key()), notBefore, notAfter, Profile.DEVICE,
                identityUri(customerId, deviceId));
        return new Credential(certificate, keys.getPrivate(), List.of(certificate, issuing.certificate()));
    }

    /**
     * A device certificate of the issuing CA with everything an attacker or a faulty
     * issuer could vary: the subject in any encoding, any serial, any subject alternative
     * names (null: none) and further extensions; key usages as for a device. Valid from
     * an hour ago for 30 days.
     * @param subject the subject, e.g. with a BMPString common name
     * @param serial the serial number (negative and zero are encodable)
     * @param subjectAltNames the subject alternative names, or null for none
     * @param extra further extensions (e.g. an unknown critical one)
     * @return the credential, chain = device, issuing CA
     */
    public Credential device(X500Name subject, BigInteger serial, GeneralNames subjectAltNames, Extension... extra) {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        X509Certificate certificate = build(subject, serial, keys.getPublic(),
                issuing.certificate().getSubjectX500Principal(),
                new KeyPair(issuing.certificate().getPublicKey(), issuing.key()), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(30)), Profile.DEVICE, subjectAltNames, extra);
        return new Credential(certificate, keys.getPrivate(), List.of(certificate, issuing.certificate()));
    }

    /**
     * A TLS server certificate for {@code localhost} and {@code 127.0.0.1}, issued by the
     * issuing CA.
     * @return the credential
     */
    public Credential server() {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        X509Certificate certificate = build(new X500Principal("CN=localhost"), keys.getPublic(),
                issuing.certificate().getSubjectX500Principal(),
                new KeyPair(issuing.certificate().getPublicKey(), issuing.key()), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(30)), Profile.SERVER, null);
        return new Credential(certificate, keys.getPrivate(), List.of(certificate, issuing.certificate()));
    }

    /**
     * A CRL of the issuing CA, valid for a day, listing the given serials.
     * @param revoked serial numbers
     * @return the DER-encoded CRL
     */
    public byte[] crl(BigInteger... revoked) {
        try {
            Instant now = Instant.now();
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(issuing.certificate().getSubjectX500Principal(),
                    Date.from(now.minusSeconds(60)));
            builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
            for (BigInteger serial : revoked) {
                builder.addCRLEntry(serial, Date.from(now.minusSeconds(1)), CRLReason.cessationOfOperation);
            }
            builder.addExtension(Extension.cRLNumber, false,
                    new CRLNumber(BigInteger.valueOf(SERIALS.incrementAndGet())));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuing.certificate()));
            X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(signer(issuing.key())));
            return crl.getEncoded();
        }
        catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param certificateOrKey a certificate, CRL or PKCS#8 generator
     * @return its PEM form
     */
    public static String pem(Object certificateOrKey) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificateOrKey);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toString();
    }

    /**
     * A client {@link SSLContext} that presents no certificate and trusts the given CA.
     * @param trusted the CA that signed the server certificate
     * @return the context
     */
    public static SSLContext trustingOnly(X509Certificate trusted) {
        return context(null, trusted);
    }

    /** The identity URI of a device. */
    static String identityUri(UUID customerId, UUID deviceId) {
        return "urn:edp:customer:" + customerId + ":device:" + deviceId;
    }

    private static SSLContext context(Credential client, X509Certificate trusted) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", trusted);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("device", client.key(), new char[0], client.chain().toArray(X509Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
            return context;
        }
        catch (GeneralSecurityException | IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private enum Profile {

        CA_ROOT, CA_ISSUING, DEVICE, SERVER

    }

    private static X509Certificate build(X500Principal subject, PublicKey publicKey, X500Principal issuer,
            KeyPair issuerKeys, Instant notBefore, Instant notAfter, Profile profile, String identityUri) {
        BigInteger serial = BigInteger.valueOf(SERIALS.incrementAndGet())
            .shiftLeft(16)
            .add(BigInteger.valueOf(RANDOM.nextInt(65536)));
        GeneralNames identity = (identityUri != null)
                ? new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identityUri)) : null;
        return build(X500Name.getInstance(subject.getEncoded()), serial, publicKey, issuer, issuerKeys, notBefore,
                notAfter, profile, identity);
    }

    /**
     * @param subjectAltNames the device's names (DEVICE only; null: none)
     * @param extra further extensions, as they are
     */
    private static X509Certificate build(X500Name subject, BigInteger serial, PublicKey publicKey, X500Principal issuer,
            KeyPair issuerKeys, Instant notBefore, Instant notAfter, Profile profile, GeneralNames subjectAltNames,
            Extension... extra) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(issuer.getEncoded()), serial, Date.from(notBefore), Date.from(notAfter),
                    subject, publicKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            switch (profile) {
                case CA_ROOT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case CA_ISSUING -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case DEVICE -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                    if (subjectAltNames != null) {
                        builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames);
                    }
                }
                case SERVER -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                    builder.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
                                    new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
                }
            }
            for (Extension extension : extra) {
                builder.addExtension(extension);
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(issuerKeys.getPrivate())));
        }
        catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static ContentSigner signer(PrivateKey key) throws org.bouncycastle.operator.OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A certificate with its private key and chain (the certificate first, no root).
     *
     * @param certificate the end-entity or CA certificate
     * @param key its private key
     * @param chain the chain to present
     */
    public record Credential(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {

        /**
         * @return the serial number
         */
        public BigInteger serial() {
            return certificate.getSerialNumber();
        }

        /**
         * A client {@link SSLContext} presenting this credential and trusting the given
         * CA for the server.
         * @param trustedServerCa the CA that signed the server certificate
         * @return the context
         */
        public SSLContext sslContext(X509Certificate trustedServerCa) {
            return context(this, trustedServerCa);
        }

        /**
         * Writes {@code <name>.crt} (the chain, PEM) and {@code <name>.key} (PKCS#8 PEM)
         * into a directory.
         * @param directory where to write
         * @param name the file name stem
         * @return the paths: certificate chain, private key
         */
        public List<Path> writePem(Path directory, String name) {
            try {
                Files.createDirectories(directory);
                StringBuilder chainPem = new StringBuilder();
                chain.forEach(cert -> chainPem.append(pem(cert)));
                Path cert = Files.writeString(directory.resolve(name + ".crt"), chainPem);
                Path key = Files.writeString(directory.resolve(name + ".key"),
                        pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(this.key, null)));
                return new ArrayList<>(List.of(cert, key));
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

}
