package dev.edp.onboarding.certificate;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.security.cert.X509CRL;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.OnboardingIntegrationTest;
import dev.edp.onboarding.TestClock;
import dev.edp.onboarding.TestRequests;
import dev.edp.onboarding.pki.Pem;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRL endpoints' validators over real HTTP: a strong ETag per representation, and
 * {@code If-None-Match} that tells two CRLs published within the same second apart, which
 * their {@code Last-Modified} (seconds) cannot. The service clock is frozen, so both
 * revocations publish in the same second however slow the machine is.
 */
@EdpServiceTest
@Import(TestClock.Config.class)
class CrlValidatorsIntegrationTests extends OnboardingIntegrationTest {

    static final String CRL = "/onboarding/api/v1/crl";
    static final String CRL_PEM = "/onboarding/api/v1/crl.pem";

    @Autowired
    TestClock clock;

    @AfterEach
    void releaseClock() {
        clock.release();
    }

    HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
        return TestRequests.getBytes(checks.baseUrl() + path, headers);
    }

    /** Enrolls a device of the customer; returns its certificate serial (hex). */
    String enroll(UUID customer) {
        HttpResponse<String> enrolled = TestRequests.enrollNewDevice(checks.baseUrl(),
                TestJwtIssuer.token("otto", customer, "operator"));
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        return JsonPath.read(enrolled.body(), "$.serial");
    }

    void revoke(UUID customer, String serial) {
        HttpResponse<String> revoked = ServiceSmokeChecks.send("POST",
                checks.baseUrl() + "/api/onboarding/v1/certificates/" + serial + "/revoke", "application/json", "{}",
                TestJwtIssuer.token("otto", customer, "operator"));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void twoRevocationsInTheSameSecondAreToldApartByTheEtag() throws Exception {
        UUID customer = UUID.randomUUID();
        String first = enroll(customer);
        String second = enroll(customer);
        clock.freeze();

        revoke(customer, first);
        HttpResponse<byte[]> before = get(CRL, Map.of());
        assertThat(before.statusCode()).isEqualTo(200);
        String etag = header(before, "ETag");
        assertThat(etag).as("a strong validator").matches("\"[A-Za-z0-9_-]{43}\"");
        assertThat(get(CRL, Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);

        revoke(customer, second);
        HttpResponse<byte[]> after = get(CRL, Map.of("If-None-Match", etag));

        assertThat(after.statusCode()).as("the second CRL of the same second is not 'not modified'").isEqualTo(200);
        assertThat(header(after, "Last-Modified")).as("a date alone cannot tell them apart")
            .isEqualTo(header(before, "Last-Modified"));
        assertThat(header(after, "ETag")).isNotEqualTo(etag);
        X509CRL crl = Pem.readCrl(after.body());
        assertThat(crl.getRevokedCertificate(new BigInteger(first, 16))).isNotNull();
        assertThat(crl.getRevokedCertificate(new BigInteger(second, 16))).isNotNull();
        // If-None-Match decides when present: a matching date does not make an old tag
        // current.
        assertThat(get(CRL, Map.of("If-None-Match", etag, "If-Modified-Since", header(before, "Last-Modified")))
            .statusCode()).isEqualTo(200);
        HttpResponse<byte[]> current = get(CRL, Map.of("If-None-Match", header(after, "ETag")));
        assertThat(current.statusCode()).isEqualTo(304);
        assertThat(current.body()).isEmpty();
        assertThat(header(current, "ETag")).isEqualTo(header(after, "ETag"));
        assertThat(get(CRL, Map.of("If-None-Match", "\"other\", W/" + header(after, "ETag"))).statusCode())
            .as("a list, and weak comparison as RFC 9110 asks for If-None-Match")
            .isEqualTo(304);
    }

    @Test
    void derAndPemHaveTheirOwnEtagsAndADateOnlyClientStillWorks() throws Exception {
        UUID customer = UUID.randomUUID();
        revoke(customer, enroll(customer));

        HttpResponse<byte[]> der = get(CRL, Map.of());
        HttpResponse<byte[]> pem = get(CRL_PEM, Map.of());

        assertThat(header(der, "ETag")).isNotNull().isNotEqualTo(header(pem, "ETag"));
        assertThat(header(pem, "ETag")).isEqualTo(PublicPkiController.etag(pem.body()));
        assertThat(get(CRL_PEM, Map.of("If-None-Match", header(der, "ETag"))).statusCode())
            .as("the DER's tag does not validate the PEM")
            .isEqualTo(200);
        assertThat(get(CRL_PEM, Map.of("If-None-Match", header(pem, "ETag"))).statusCode()).isEqualTo(304);
        // Servers' and clients' fallback without tags: the date, as before.
        assertThat(get(CRL, Map.of("If-Modified-Since", header(der, "Last-Modified"))).statusCode()).isEqualTo(304);
        assertThat(get(CRL, Map.of("If-Modified-Since", "not a date")).statusCode()).isEqualTo(200);
    }

}
