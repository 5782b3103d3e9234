package dev.edp.onboarding.pki;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class Pkcs7Tests {

    static final EmbeddedCertificateAuthority CA = EmbeddedCertificateAuthority
        .generate(new CaKeyProtector(EmbeddedCertificateAuthorityTests.bytes(32, 5)), EmbeddedCaSettings.defaults());

    @TempDir
    Path dir;

    @Test
    void certsOnlyRoundTrips() throws Exception {
        IssuedCertificate issued = CA
            .issue(new DeviceCertificateRequest(UUID.randomUUID(), UUID.randomUUID(), TestPki.validCsr()));
        List<X509Certificate> certificates = issued.fullChain();

        byte[] der = Pkcs7.certsOnly(certificates);

        assertThat(Pkcs7.certificates(der)).containsExactlyInAnyOrderElementsOf(certificates);
        CMSSignedData signedData = new CMSSignedData(der);
        assertThat(signedData.getSignerInfos().size()).isZero();
        assertThat(signedData.getSignedContent()).isNull();
        assertThat(signedData.getEncoded("DER")).as("DER, not BER").isEqualTo(der);
    }

    @Test
    void openSslReadsTheCaCertificatesAsEstCacertsWouldServeThem() {
        OpenSsl openssl = new OpenSsl(this.dir);
        openssl.write("cacerts.p7", Pkcs7.certsOnly(CA.chain()));

        String printed = openssl.ok("pkcs7", "-inform", "DER", "-in", "cacerts.p7", "-print_certs");

        assertThat(printed).contains("subject=O = EDP, CN = EDP Issuing CA", "subject=O = EDP, CN = EDP Root CA");
        assertThat(Pem.readCertificates(printed.replaceAll("(?m)^(subject|issuer)=.*$", "")))
            .containsExactlyInAnyOrderElementsOf(CA.chain());
    }

    @Test
    void readsWhatOpenSslWrites() {
        OpenSsl openssl = new OpenSsl(this.dir);
        openssl.write("chain.pem", Pem.certificates(CA.chain()));
        openssl.ok("crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-outform", "DER", "-out", "chain.p7");

        assertThat(Pkcs7.certificates(openssl.readBytes("chain.p7"))).containsExactlyInAnyOrderElementsOf(CA.chain());
    }

    @Test
    void rejectsGarbageAndEmptyInput() {
        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> Pkcs7.certificates(new byte[] { 0x30, 0x03, 1, 2, 3 }));
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Pkcs7.certsOnly(List.of()));
    }

    @Test
    void aCertificateThatBouncyCastleOnlyRejectsWhenReadIsRefusedAsBadInput() throws Exception {
        // Found by PkiReadersFuzzTests: a certificate whose extensions field ([3]) holds
        // a SET instead of a SEQUENCE parses as a SignedData, and BouncyCastle throws an
        // IllegalStateException only when the certificates are read.
        ASN1Sequence certificate = ASN1Sequence.getInstance(CA.chain().getFirst().getEncoded());
        ASN1Sequence tbs = ASN1Sequence.getInstance(certificate.getObjectAt(0));
        ASN1EncodableVector brokenTbs = new ASN1EncodableVector();
        for (var element : tbs) {
            boolean extensions = element instanceof ASN1TaggedObject tagged && tagged.getTagNo() == 3;
            brokenTbs.add(extensions ? new DERTaggedObject(true, 3, new DERSet()) : element);
        }
        DERSequence brokenCertificate = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
                new DERSequence(brokenTbs), certificate.getObjectAt(1), certificate.getObjectAt(2) });
        SignedData signedData = new SignedData(new DERSet(), new ContentInfo(CMSObjectIdentifiers.data, null),
                new DERSet(brokenCertificate), null, new DERSet());
        byte[] der = new ContentInfo(CMSObjectIdentifiers.signedData, signedData).getEncoded("DER");

        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Pkcs7.certificates(der))
            .withMessage("Not a PKCS#7 SignedData structure");
    }

}
