package dev.edp.agent;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A device's own key (EC P-256, never leaves the device) and the CSR that asks for its
 * certificate.
 */
public final class DeviceKeys {

    private DeviceKeys() {
    }

    /**
     * @return a new EC key pair on P-256 (secp256r1)
     */
    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("EC P-256 is not available", ex);
        }
    }

    /**
     * A PKCS#10 request signed with SHA256withECDSA. The CA ignores the subject and sets
     * {@code CN=<device id>} itself; the name only helps someone reading the CSR.
     * @param keys the device key
     * @param commonName subject CN
     * @return the CSR as PEM ({@code CERTIFICATE REQUEST})
     */
    public static String csr(KeyPair keys, String commonName) {
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            return Pems.write(new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        }
        catch (OperatorCreationException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
