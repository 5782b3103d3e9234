package dev.edp.onboarding.pki;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;

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
		IssuedCertificate issued = CA.issue(new DeviceCertificateRequest(UUID.randomUUID(), UUID.randomUUID(), TestPki.validCsr()));
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
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Pkcs7.certificates(new byte[] { 0x30, 0x03, 1, 2, 3 }));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Pkcs7.certsOnly(List.of()));
	}
}
