package dev.edp.onboarding.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Test fixtures: keys, CSRs made in-process, and the JDK's PKIX validator. */
final class TestPki {

    private TestPki() {
    }

    static KeyPair keyPair(String algorithm, AlgorithmParameterSpec spec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (spec != null) {
                generator.initialize(spec);
            }
            return generator.generateKeyPair();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static KeyPair ec(String curve) {
        return keyPair("EC", new ECGenParameterSpec(curve));
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A CSR for {@code subjectKey}, signed with {@code signingKey} (the same key for a
     * proper CSR).
     */
    static PKCS10CertificationRequest csr(KeyPair subjectKey, KeyPair signingKey, String signatureAlgorithm) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=test"), subjectKey.getPublic())
                .build(new JcaContentSignerBuilder(signatureAlgorithm).build(signingKey.getPrivate()));
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    static String pem(PKCS10CertificationRequest csr) {
        try {
            return Pem.write("CERTIFICATE REQUEST", csr.getEncoded());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static ValidatedCsr validCsr(KeyPair key, String signatureAlgorithm) {
        return new CsrValidator().validate(pem(csr(key, key, signatureAlgorithm)));
    }

    static ValidatedCsr validCsr() {
        return validCsr(ec("secp256r1"), "SHA256withECDSA");
    }

    /**
     * PKIX validation of {@code path} (leaf first, up to but excluding the root) against
     * {@code root}.
     */
    static void pkixValidate(List<X509Certificate> path, X509Certificate root) throws GeneralSecurityException {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
            .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    }

    /**
     * PKIX validation with revocation checking of the end entity against {@code crl} only
     * (the issuing CA's own status would need the root's CRL, which is not what these
     * tests are about).
     */
    static void pkixValidateWithCrl(List<X509Certificate> path, X509Certificate root, X509CRL crl)
            throws GeneralSecurityException {
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
        checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(true);
        parameters.addCertPathChecker(checker);
        parameters.addCertStore(
                CertStore.getInstance("Collection", new CollectionCertStoreParameters(new ArrayList<>(List.of(crl)))));
        validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    }

    static CertPathValidatorException.Reason failureReason(ThrowingRunnable validation) {
        try {
            validation.run();
        }
        catch (CertPathValidatorException ex) {
            return ex.getReason();
        }
        catch (GeneralSecurityException ex) {
            throw new AssertionError("unexpected " + ex, ex);
        }
        throw new AssertionError("validation passed but was expected to fail");
    }

    interface ThrowingRunnable {

        void run() throws GeneralSecurityException;

    }

}
