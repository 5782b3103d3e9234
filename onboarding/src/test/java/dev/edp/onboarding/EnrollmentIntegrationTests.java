package dev.edp.onboarding;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import dev.edp.onboarding.ca.CaInitializer;
import dev.edp.onboarding.pki.Pem;
import dev.edp.onboarding.pki.Pkcs7;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@EdpServiceTest
class EnrollmentIntegrationTests extends OnboardingIntegrationTest {

    static final String ROOT = TestJwtIssuer.token("root", null, "platform-admin");

    @TempDir
    static Path dir;

    static Cli openssl;

    @Autowired
    CaInitializer initializer;

    @Autowired
    MeterRegistry meters;

    @Autowired
    org.springframework.transaction.support.TransactionTemplate transactions;

    @BeforeAll
    static void cli() {
        openssl = new Cli(dir);
    }

    static String operator(UUID customer) {
        return TestJwtIssuer.token("otto", customer, "operator");
    }

    String url(String path) {
        return checks.baseUrl() + path;
    }

    /** Creates a token as an operator of the customer; returns [id, secret, deviceId]. */
    String[] token(UUID customer, String body) {
        HttpResponse<String> response = ServiceSmokeChecks.send("POST", url("/api/onboarding/v1/tokens"),
                "application/json", body, operator(customer));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new String[] { JsonPath.read(response.body(), "$.id"), JsonPath.read(response.body(), "$.token"),
                JsonPath.read(response.body(), "$.deviceId") };
    }

    HttpResponse<String> enroll(String token, String csr) {
        return ServiceSmokeChecks.send("POST", url("/onboarding/api/v1/enrollments"), "application/json",
                "{\"token\":" + quote(token) + ",\"csr\":" + quote(csr) + "}");
    }

    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "") + "\"";
    }

    int certificatesOfToken(String tokenId) {
        return Rows.count(jdbc, "device_certificate", "token_id", tokenId);
    }

    String tokenStatus(String tokenId) {
        return Rows.tokenStatus(jdbc, tokenId);
    }

    @Test
    void deviceEnrollsWithAnOpensslCsrAndIsOnTheCrlAfterRevocation() throws Exception {
        UUID customer = UUID.randomUUID();
        String[] token = token(customer, "{\"deviceName\":\"press-7\",\"environment\":\"TESTING\"}");
        assertThat(token[1]).startsWith("edp_ot_").hasSizeGreaterThanOrEqualTo(7 + 43);
        HttpResponse<String> response = enroll(token[1], openssl.csr("dev1"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String serial = JsonPath.read(response.body(), "$.serial");
        assertThat(JsonPath.<String>read(response.body(), "$.deviceId")).isEqualTo(token[2]);
        openssl.write("dev1.pem", JsonPath.<String>read(response.body(), "$.certificate"));

        String chainPem = ServiceSmokeChecks.send("GET", url("/onboarding/api/v1/ca/chain.pem"), null, null).body();
        List<X509Certificate> chain = Pem.readCertificates(chainPem);
        openssl.write("root.pem", Pem.certificate(chain.getLast()));
        openssl.write("issuing.pem", Pem.certificate(chain.getFirst()));
        openssl.ok("verify", "-CAfile", "root.pem", "-untrusted", "issuing.pem", "dev1.pem");
        assertThat(openssl.ok("x509", "-in", "dev1.pem", "-noout", "-subject")).contains("CN = " + token[2]);

        X509Certificate cert = Pem.readCertificates(openssl.read("dev1.pem")).getFirst();
        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(chain.getLast(), null)));
        pkix.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
            .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert, chain.getFirst())), pkix);

        assertThat(tokenStatus(token[0])).isEqualTo("USED");
        assertThat(jdbc.sql("SELECT status FROM device_certificate WHERE serial = :s")
            .param("s", serial)
            .query(String.class)
            .single()).isEqualTo("VALID");

        HttpResponse<String> revoked = ServiceSmokeChecks.send("POST",
                url("/api/onboarding/v1/certificates/" + serial + "/revoke"), "application/json",
                "{\"reason\":\"KEY_COMPROMISE\"}", operator(customer));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(revoked.body(), "$.status")).isEqualTo("REVOKED");

        // Revoking again changes nothing and publishes no new CRL.
        long crlNumber = crlNumber(fetchCrl());
        HttpResponse<String> again = ServiceSmokeChecks.send("POST",
                url("/api/onboarding/v1/certificates/" + serial + "/revoke"), null, null, operator(customer));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(again.body(), "$.reason")).isEqualTo("KEY_COMPROMISE");
        assertThat(crlNumber(fetchCrl())).isEqualTo(crlNumber);

        HttpResponse<byte[]> crl = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(url("/onboarding/api/v1/crl"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        assertThat(crl.statusCode()).isEqualTo(200);
        assertThat(crl.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
        openssl.write("crl.der", crl.body());
        String text = openssl.ok("crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text");
        assertThat(text.toLowerCase().replace(":", "")).contains(serial.toUpperCase().toLowerCase());
        assertThat(Pem.readCrl(crl.body()).isRevoked(cert)).isTrue();
        openssl.ok("crl", "-inform", "DER", "-in", "crl.der", "-out", "crl.pem");
        openssl.write("bundle.pem", Pem.certificate(chain.getLast()) + openssl.read("crl.pem"));
        Cli.Result verify = openssl.run("verify", "-crl_check", "-CAfile", "bundle.pem", "-untrusted", "issuing.pem",
                "dev1.pem");
        assertThat(verify.exitCode()).as(verify.output()).isNotZero();
        assertThat(verify.output()).contains("revoked");

        String lastModified = crl.headers().firstValue("Last-Modified").orElseThrow();
        HttpResponse<String> notModified = ServiceSmokeChecks.send("GET", url("/onboarding/api/v1/crl.pem"), null, null,
                null, Map.of("If-Modified-Since", lastModified));
        assertThat(notModified.statusCode()).isEqualTo(304);
        HttpResponse<String> pem = ServiceSmokeChecks.send("GET", url("/onboarding/api/v1/crl.pem"), null, null);
        assertThat(pem.body()).startsWith("-----BEGIN X509 CRL-----");

        // A revoked certificate is never handed out again, not even to a retry with the
        // same key.
        assertProblem(enroll(token[1], openssl.read("dev1.csr")), 409, "TOKEN_USED");
        assertThat(meters.get("edp.enrollments").tag("outcome", "ISSUED").counter().count()).isPositive();
        assertThat(meters.get("edp.certificates.revoked").counter().count()).isPositive();
        assertThat(meters.get("edp.crl.expiry.seconds").gauge().value()).isPositive();
        assertThat(meters.get("edp.ca.issuing.expiry.seconds").gauge().value()).isPositive();
    }

    byte[] fetchCrl() throws Exception {
        return HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(url("/onboarding/api/v1/crl"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray())
            .body();
    }

    static long crlNumber(byte[] der) throws Exception {
        return org.bouncycastle.asn1.ASN1Integer
            .getInstance(new org.bouncycastle.cert.X509CRLHolder(der)
                .getExtension(org.bouncycastle.asn1.x509.Extension.cRLNumber)
                .getParsedValue())
            .longValueExact();
    }

    @Test
    void eachRevocationPublishesACrlWithAHigherNumber() throws Exception {
        UUID customer = UUID.randomUUID();
        String[] token = token(customer, "{}");
        String serial = JsonPath.read(enroll(token[1], openssl.csr("crlnum")).body(), "$.serial");
        long before = crlNumber(fetchCrl());
        ServiceSmokeChecks.send("POST", url("/api/onboarding/v1/certificates/" + serial + "/revoke"), null, null,
                operator(customer));
        byte[] after = fetchCrl();
        assertThat(crlNumber(after)).isGreaterThan(before);
        assertThat(Pem.readCrl(after).getRevokedCertificate(new java.math.BigInteger(serial, 16))).isNotNull();
        assertProblem(ServiceSmokeChecks.send("POST", url("/api/onboarding/v1/certificates/" + serial + "/revoke"),
                "application/json", "{\"reason\":\"BORED\"}", operator(customer)), 400, "INVALID_REASON");
        assertProblem(ServiceSmokeChecks.send("POST", url("/api/onboarding/v1/certificates/zz-not-hex/revoke"), null,
                null, operator(customer)), 404, "NOT_FOUND");
    }

    @Test
    void retryWithTheSameCsrReturnsTheSameCertificateAndAnotherKeyIsRefused() {
        UUID customer = UUID.randomUUID();
        String[] token = token(customer, "{}");
        String csr = openssl.csr("retry");
        HttpResponse<String> first = enroll(token[1], csr);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        HttpResponse<String> again = enroll(token[1], csr);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(again.body(), "$.serial")).isEqualTo(JsonPath.read(first.body(), "$.serial"));
        assertProblem(enroll(token[1], openssl.csr("retry-other")), 409, "TOKEN_USED");
        assertThat(certificatesOfToken(token[0])).isEqualTo(1);
    }

    @Test
    void badInputIsAProblemAndWritesNothing() {
        UUID customer = UUID.randomUUID();
        String[] token = token(customer, "{}");
        assertProblem(
                enroll(token[1], "-----BEGIN CERTIFICATE REQUEST-----\nnot base64!\n-----END CERTIFICATE REQUEST-----"),
                400, "CSR_MALFORMED");
        String pem = openssl.csr("badsig");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
        der[der.length - 2] ^= 0x01;
        assertProblem(enroll(token[1], "-----BEGIN CERTIFICATE REQUEST-----\n"
                + Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n"), 400,
                "CSR_SIGNATURE_INVALID");
        assertProblem(enroll(token[1], openssl.csr("rsa1024", "-newkey", "rsa:1024")), 400, "CSR_KEY_NOT_ALLOWED");
        assertProblem(enroll(token[1], "x".repeat(40_000)), 413, "REQUEST_TOO_LARGE");
        assertProblem(ServiceSmokeChecks.send("POST", url("/onboarding/api/v1/enrollments"), "text/plain", "hello"),
                415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(
                ServiceSmokeChecks.send("POST", url("/onboarding/api/v1/enrollments"), "application/json", "{nope"),
                400, "MALFORMED_REQUEST_BODY");
        assertProblem(enroll("edp_ot_unknown", openssl.csr("unknown")), 401, "TOKEN_UNKNOWN");
        assertThat(certificatesOfToken(token[0])).isZero();
        assertThat(tokenStatus(token[0])).isEqualTo("ACTIVE");

        String[] revoked = token(customer, "{}");
        HttpResponse<String> revoke = ServiceSmokeChecks.send("POST",
                url("/api/onboarding/v1/tokens/" + revoked[0] + "/revoke"), null, null, operator(customer));
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
        assertProblem(enroll(revoked[1], openssl.csr("revoked")), 410, "TOKEN_REVOKED");
        assertThat(certificatesOfToken(revoked[0])).isZero();

        String[] expired = token(customer, "{\"lifetime\":\"PT5M\"}");
        jdbc.sql("UPDATE onboarding_token SET expires_at = now() - interval '1 minute' WHERE id = :id")
            .param("id", UUID.fromString(expired[0]))
            .update();
        assertProblem(enroll(expired[1], openssl.csr("expired")), 410, "TOKEN_EXPIRED");
        assertThat(certificatesOfToken(expired[0])).isZero();
        assertThat(tokenStatus(expired[0])).isEqualTo("ACTIVE");

        assertProblem(ServiceSmokeChecks.send("POST", url("/api/onboarding/v1/tokens"), "application/json",
                "{\"lifetime\":\"P30D\"}", operator(customer)), 400, "VALIDATION_FAILED");
    }

    @Test
    void concurrentEnrollmentsWithOneTokenIssueExactlyOneCertificate() throws Exception {
        int parallel = 4;
        String[] token = token(UUID.randomUUID(), "{}");
        List<String> csrs = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            csrs.add(openssl.csr("race-" + i));
        }
        // The CSRs are made beforehand and every thread waits at the barrier, so all
        // requests leave together.
        CyclicBarrier start = new CyclicBarrier(parallel);
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (String csr : csrs) {
            calls.add(() -> {
                start.await(60, TimeUnit.SECONDS);
                return enroll(token[1], csr);
            });
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
            for (Future<HttpResponse<String>> result : pool.invokeAll(calls)) {
                statuses.add(result.get().statusCode());
            }
        }
        assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
        assertThat(certificatesOfToken(token[0])).isEqualTo(1);
    }

    @Test
    void estCacertsAndSimpleenroll() throws Exception {
        HttpResponse<String> cacerts = ServiceSmokeChecks.send("GET", url("/.well-known/est/cacerts"), null, null);
        assertThat(cacerts.statusCode()).isEqualTo(200);
        assertThat(cacerts.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/pkcs7-mime");
        List<X509Certificate> chain = Pkcs7.certificates(Base64.getMimeDecoder().decode(cacerts.body()));
        assertThat(chain).hasSize(2);

        String[] token = token(UUID.randomUUID(), "{}");
        openssl.csr("est");
        openssl.ok("req", "-in", "est.csr", "-outform", "DER", "-out", "est.der");
        String body = Base64.getMimeEncoder().encodeToString(java.nio.file.Files.readAllBytes(dir.resolve("est.der")));
        String basic = "Basic "
                + Base64.getEncoder().encodeToString(("press-9:" + token[1]).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> enrolled = ServiceSmokeChecks.send("POST", url("/.well-known/est/simpleenroll"),
                "application/pkcs10", body, null, Map.of("Authorization", basic));
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
        assertThat(enrolled.headers().firstValue("Cache-Control")).hasValue("no-store");
        List<X509Certificate> issued = Pkcs7.certificates(Base64.getMimeDecoder().decode(enrolled.body()));
        assertThat(issued).hasSize(1);
        assertThat(issued.getFirst().getSubjectX500Principal().getName()).contains("CN=" + token[2]);
        // certs-only PKCS#7 is a SET, so its order is not the chain's: find the issuing
        // CA by name.
        X509Certificate issuing = chain.stream()
            .filter(c -> c.getSubjectX500Principal().equals(issued.getFirst().getIssuerX500Principal()))
            .findFirst()
            .orElseThrow();
        issued.getFirst().verify(issuing.getPublicKey());

        HttpResponse<String> noAuth = ServiceSmokeChecks.send("POST", url("/.well-known/est/simpleenroll"),
                "application/pkcs10", body);
        assertProblem(noAuth, 401, "TOKEN_UNKNOWN");
        assertThat(noAuth.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
        assertProblem(ServiceSmokeChecks.send("POST", url("/.well-known/est/simpleenroll"), "application/json", body,
                null, Map.of("Authorization", basic)), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void tokensAndCertificatesOfAnotherCustomerAreNotFound() {
        UUID mine = UUID.randomUUID();
        UUID theirs = UUID.randomUUID();
        String[] token = token(theirs, "{}");
        HttpResponse<String> enrolled = enroll(token[1], openssl.csr("tenant"));
        String serial = JsonPath.read(enrolled.body(), "$.serial");
        String me = operator(mine);
        assertProblem(ServiceSmokeChecks.send("GET", url("/api/onboarding/v1/tokens/" + token[0]), null, null, me), 404,
                "NOT_FOUND");
        assertProblem(ServiceSmokeChecks.send("POST", url("/api/onboarding/v1/tokens/" + token[0] + "/revoke"), null,
                null, me), 404, "NOT_FOUND");
        assertProblem(ServiceSmokeChecks.send("POST", url("/api/onboarding/v1/certificates/" + serial + "/revoke"),
                null, null, me), 404, "NOT_FOUND");
        assertProblem(ServiceSmokeChecks.send("POST", url("/api/onboarding/v1/devices/" + token[2] + "/revoke"), null,
                null, me), 404, "NOT_FOUND");
        HttpResponse<String> list = ServiceSmokeChecks.send("GET", url("/api/onboarding/v1/tokens"), null, null, me);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(token[0]).doesNotContain("edp_ot_");
        HttpResponse<String> theirList = ServiceSmokeChecks.send("GET", url("/api/onboarding/v1/tokens?limit=1"), null,
                null, operator(theirs));
        assertThat(theirList.body()).contains(token[0]).doesNotContain("edp_ot_");
        assertProblem(ServiceSmokeChecks.send("POST", url("/api/onboarding/v1/tokens"), "application/json", "{}",
                TestJwtIssuer.token("vera", mine, "viewer")), 403, "FORBIDDEN");

        // Decommissioning by the owner revokes all of the device's certificates.
        HttpResponse<String> decommission = ServiceSmokeChecks.send("POST",
                url("/api/onboarding/v1/devices/" + token[2] + "/revoke"), null, null, operator(theirs));
        assertThat(decommission.statusCode()).as(decommission.body()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(decommission.body(), "$[*].status")).containsOnly("REVOKED");
        assertThat(JsonPath.<List<String>>read(decommission.body(), "$[*].reason"))
            .containsOnly("CESSATION_OF_OPERATION");
    }

    @Test
    void tokenListIsKeysetPagedNewestFirstWithoutSecrets() {
        UUID customer = UUID.randomUUID();
        String first = token(customer, "{}")[0];
        String second = token(customer, "{}")[0];
        String third = token(customer, "{}")[0];
        HttpResponse<String> page1 = ServiceSmokeChecks.send("GET", url("/api/onboarding/v1/tokens?limit=2"), null,
                null, operator(customer));
        assertThat(JsonPath.<List<String>>read(page1.body(), "$.items[*].id")).containsExactly(third, second);
        String cursor = JsonPath.read(page1.body(), "$.nextCursor");
        HttpResponse<String> page2 = ServiceSmokeChecks.send("GET",
                url("/api/onboarding/v1/tokens?limit=2&cursor=" + cursor), null, null, operator(customer));
        assertThat(JsonPath.<List<String>>read(page2.body(), "$.items[*].id")).containsExactly(first);
        assertThat(page1.body() + page2.body()).doesNotContain("edp_ot_").doesNotContain("\"token\"");
        assertProblem(ServiceSmokeChecks.send("GET", url("/api/onboarding/v1/tokens?cursor=bogus"), null, null,
                operator(customer)), 400, "INVALID_CURSOR");
        HttpResponse<String> one = ServiceSmokeChecks.send("GET", url("/api/onboarding/v1/tokens/" + first), null, null,
                TestJwtIssuer.token("vera", customer, "viewer"));
        assertThat(JsonPath.<String>read(one.body(), "$.status")).isEqualTo("ACTIVE");
    }

    @Test
    void caIsCreatedOnceWhenTwoReplicasInitializeTogether() throws Exception {
        String slot = "race-" + UUID.randomUUID();
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<dev.edp.onboarding.pki.EmbeddedCertificateAuthority> replica = () -> {
            start.await(60, TimeUnit.SECONDS);
            return initializer.initialize(slot, java.util.Optional.empty());
        };
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<dev.edp.onboarding.pki.EmbeddedCertificateAuthority>> results = pool
                .invokeAll(List.of(replica, replica));
            assertThat(results.get(0).get().chain()).isEqualTo(results.get(1).get().chain());
        }
        assertThat(jdbc.sql("SELECT count(*) FROM ca_material WHERE id = :id")
            .param("id", slot)
            .query(Integer.class)
            .single()).isEqualTo(1);
        byte[] stored = jdbc.sql("SELECT issuing_key FROM ca_material WHERE id = :id")
            .param("id", slot)
            .query(byte[].class)
            .single();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
        assertThat(stored[0]).isEqualTo((byte) 1);
    }

    @Test
    void aStoredCaWithAnotherKekStopsTheStartWithAClearMessage() {
        String slot = "kek-" + UUID.randomUUID();
        initializer.initialize(slot, java.util.Optional.empty());
        var otherKek = new dev.edp.onboarding.pki.CaKeyProtector(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 });
        var other = new CaInitializer(jdbc, transactions, otherKek,
                dev.edp.onboarding.pki.EmbeddedCaSettings.defaults());
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
            .isThrownBy(() -> other.initialize(slot, java.util.Optional.empty()))
            .withMessageContaining("EDP_PKI_KEK");
    }

    @Test
    void anExistingCaCanBeImported() {
        openssl.ok("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "imp-root.key", "-out", "imp-root.pem", "-subj", "/O=Example/CN=Example Root", "-days", "365",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl.write("imp.ext", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
                + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
        openssl.csr("imp-issuing");
        openssl.ok("x509", "-req", "-in", "imp-issuing.csr", "-CA", "imp-root.pem", "-CAkey", "imp-root.key",
                "-CAcreateserial", "-days", "100", "-extfile", "imp.ext", "-out", "imp-issuing.pem");
        String chain = openssl.read("imp-issuing.pem") + openssl.read("imp-root.pem");
        String slot = "import-" + UUID.randomUUID();
        var ca = initializer.initialize(slot,
                java.util.Optional.of(new CaInitializer.ImportSource(openssl.read("imp-issuing.key"), chain)));
        assertThat(ca.chain().getLast().getSubjectX500Principal().getName()).contains("Example Root");
        assertThat(jdbc.sql("SELECT source FROM ca_material WHERE id = :id")
            .param("id", slot)
            .query(String.class)
            .single()).isEqualTo("IMPORTED");
        // Loading again from the database gives the same CA; importing another one over
        // it is refused.
        assertThat(initializer.initialize(slot, java.util.Optional.empty()).chain()).isEqualTo(ca.chain());
        String generated = "generated-" + UUID.randomUUID();
        initializer.initialize(generated, java.util.Optional.empty());
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
            .isThrownBy(() -> initializer.initialize(generated,
                    java.util.Optional.of(new CaInitializer.ImportSource(openssl.read("imp-issuing.key"), chain))))
            .withMessageContaining("already holds");
    }

}
