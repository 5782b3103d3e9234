package dev.edp.e3;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import dev.edp.platform.device.DeviceIdentity;
import dev.edp.test.pki.TestPki.Credential;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Device certificates with odd encodings, signed by the platform's issuing CA (as if it
 * had been tricked or were faulty) and presented to E3 in a real TLS handshake: a
 * certificate carries the device's identity only in exactly the documented shape, so
 * every other spelling is refused with 401 {@code DEVICE_CERTIFICATE_INVALID}, never a
 * 5xx, and nothing reaches a backend. The same identity in another ASN.1 string type
 * (PrintableString, BMPString) is the same identity and is accepted.
 */
class E3OddCertificatesIntegrationTests extends AbstractE3IntegrationTests {

    /**
     * A path of its own on the shared monitoring stub: other test classes assert that no
     * refused certificate's heartbeat reached it, which an accepted one here must not
     * break (CI run V: the order of the classes made it).
     */
    static final String HEARTBEAT = "/monitoring/api/v1/monitoring/odd-certificates";

    static final UUID CUSTOMER = UUID.randomUUID();

    record Odd(String name, X500Name subject, BigInteger serial, GeneralNames names, Extension... extra) {

        @Override
        public String toString() {
            return name;
        }

    }

    static X500Name cn(ASN1Encodable... values) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        for (ASN1Encodable value : values) {
            builder.addRDN(BCStyle.CN, value);
        }
        return builder.build();
    }

    static GeneralNames uri(String uri) {
        return new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, new DERIA5String(uri)));
    }

    /**
     * The text with each ASCII digit replaced by its fullwidth form (U+FF10 to U+FF19).
     */
    static String fullwidthDigits(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.chars().forEach(c -> out.append(c >= '0' && c <= '9' ? (char) ('\uFF10' + c - '0') : (char) c));
        return out.toString();
    }

    static BigInteger serial() {
        return BigInteger.valueOf(System.nanoTime()).abs().add(BigInteger.ONE);
    }

    static List<Odd> refused() {
        UUID device = UUID.randomUUID();
        String id = device.toString();
        String identity = new DeviceIdentity(CUSTOMER, device).uri();
        return List.of(new Odd("common name with a NUL", cn(new DERUTF8String(id + "\0")), serial(), uri(identity)),
                new Odd("two common names", cn(new DERUTF8String(id), new DERUTF8String(id)), serial(), uri(identity)),
                new Odd("a 4,000-character common name", cn(new DERUTF8String(id + "x".repeat(4000))), serial(),
                        uri(identity)),
                // Every digit, not only some: a random UUID may hold no 1 or 2 (about 2 %
                // of
                // them; CI run P), but always a digit (its version, 4).
                new Odd("common name with fullwidth digits", cn(new DERUTF8String(fullwidthDigits(id))), serial(),
                        uri(identity)),
                new Odd("no subject alternative name", cn(new DERUTF8String(id)), serial(), null),
                new Odd("identity URI in upper case", cn(new DERUTF8String(id)), serial(),
                        uri(identity.toUpperCase(java.util.Locale.ROOT))),
                new Odd("identity URI with a NUL", cn(new DERUTF8String(id)), serial(), uri(identity + "\0")),
                new Odd("identity URI percent-encoded", cn(new DERUTF8String(id)), serial(),
                        uri(identity.replace("urn:edp", "urn:%65dp"))),
                new Odd("identity as a DNS name", cn(new DERUTF8String(id)), serial(),
                        new GeneralNames(new GeneralName(GeneralName.dNSName, new DERIA5String(identity)))),
                new Odd("identity URI and a second name", cn(new DERUTF8String(id)), serial(),
                        new GeneralNames(new GeneralName[] {
                                new GeneralName(GeneralName.uniformResourceIdentifier, new DERIA5String(identity)),
                                new GeneralName(GeneralName.dNSName, "device.example") })),
                new Odd("another device's identity URI", cn(new DERUTF8String(id)), serial(),
                        uri(new DeviceIdentity(CUSTOMER, UUID.randomUUID()).uri())),
                new Odd("an unknown critical extension", cn(new DERUTF8String(id)), serial(), uri(identity),
                        new Extension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), true,
                                new DEROctetString(new byte[] { 5, 0 }))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void oddlyEncodedIdentitiesAreRefused(Odd odd) {
        Credential credential = PKI.device(odd.subject(), odd.serial(), odd.names(), odd.extra());
        int before = monitoring.calls(HEARTBEAT);
        HttpResponse<String> answer = get(client(credential.sslContext(PKI.root())), url(HEARTBEAT));
        assertProblem(answer, 401, "DEVICE_CERTIFICATE_INVALID");
        assertThat(monitoring.calls(HEARTBEAT)).as("nothing reached the backend").isEqualTo(before);
    }

    static List<Odd> accepted() {
        UUID device = UUID.randomUUID();
        String id = device.toString();
        String identity = new DeviceIdentity(CUSTOMER, device).uri();
        return List.of(new Odd("common name as UTF8String", cn(new DERUTF8String(id)), serial(), uri(identity)),
                new Odd("common name as PrintableString", cn(new DERPrintableString(id)), serial(), uri(identity)),
                new Odd("common name as BMPString", cn(new DERBMPString(id)), serial(), uri(identity)),
                new Odd("a 20-octet serial", cn(new DERUTF8String(id)),
                        new BigInteger(1,
                                new byte[] { 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 }),
                        uri(identity)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void theDocumentedIdentityInAnotherStringTypeOrWithALongSerialIsAccepted(Odd odd) {
        Credential credential = PKI.device(odd.subject(), odd.serial(), odd.names(), odd.extra());
        HttpResponse<String> answer = get(client(credential.sslContext(PKI.root())), url(HEARTBEAT));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

}
