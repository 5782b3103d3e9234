package dev.edp.bench;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import dev.edp.agent.DeviceKeys;
import dev.edp.agent.Pems;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * nginx's server certificate: EC P-256 like E3's, for {@code localhost} and
 * {@code 127.0.0.1}, from a throw-away root that only the benchmark client trusts.
 *
 * @param root the root to trust
 * @param chainPem the server certificate then the root (PEM)
 * @param keyPem the server key (PKCS#8 PEM)
 */
record ReferenceCertificates(X509Certificate root, String chainPem, String keyPem) {

    static ReferenceCertificates create() throws Exception {
        Instant now = Instant.now();
        KeyPair rootKeys = DeviceKeys.generate();
        X500Name rootName = new X500Name("CN=EDP benchmark reference root");
        X509v3CertificateBuilder rootBuilder = new JcaX509v3CertificateBuilder(rootName, BigInteger.ONE,
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(2))), rootName,
                rootKeys.getPublic());
        rootBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        rootBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        X509Certificate root = sign(rootBuilder, rootKeys);
        KeyPair serverKeys = DeviceKeys.generate();
        X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(rootName, BigInteger.TWO,
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(2))), new X500Name("CN=localhost"),
                serverKeys.getPublic());
        server.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()) }));
        server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate leaf = sign(server, rootKeys);
        return new ReferenceCertificates(root, Pems.write(List.of(leaf, root)),
                Pems.writePkcs8(serverKeys.getPrivate()));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter()
            .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }
}
