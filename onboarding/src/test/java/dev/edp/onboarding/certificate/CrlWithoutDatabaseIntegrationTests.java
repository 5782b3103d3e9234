package dev.edp.onboarding.certificate;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.edp.onboarding.OnboardingIntegrationTest;
import dev.edp.onboarding.TestRequests;
import dev.edp.onboarding.pki.CertificateAuthority;
import dev.edp.onboarding.pki.CrlRequest;
import dev.edp.onboarding.pki.RevokedEntry;
import dev.edp.test.net.FaultProxy;
import dev.edp.test.postgres.WithPostgresFaults;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRL E3 fetches every two seconds comes from memory: with PostgreSQL cut off it is
 * still served at once (and revalidated with its ETag), while the operator API answers
 * 503 problems; a CRL another replica published is served within seconds. Before, every
 * fetch read the database, and a busy pool or a database outage made E3 refuse the whole
 * fleet.
 */
@EdpServiceTest
@WithPostgresFaults
class CrlWithoutDatabaseIntegrationTests extends OnboardingIntegrationTest {

    static final String CRL = "/onboarding/api/v1/crl";

    @Autowired
    FaultProxy database;

    @Autowired
    CertificateAuthority ca;

    @AfterEach
    void restore() throws Exception {
        database.restore();
    }

    HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
        return TestRequests.getBytes(checks.baseUrl() + path, headers);
    }

    @Test
    void theCrlIsServedFromMemoryWhileTheDatabaseIsCutOff() throws Exception {
        HttpResponse<byte[]> before = get(CRL, Map.of());
        assertThat(before.statusCode()).isEqualTo(200);
        String etag = before.headers().firstValue("ETag").orElseThrow();

        database.cut();

        long start = System.nanoTime();
        HttpResponse<byte[]> during = get(CRL, Map.of());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(during.statusCode()).isEqualTo(200);
        assertThat(during.body()).isEqualTo(before.body());
        assertThat(took).as("no wait for a database connection (the pool would wait 2 s)")
            .isLessThan(Duration.ofMillis(1500));
        assertThat(get(CRL, Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);
        assertThat(get(CRL + ".pem", Map.of()).statusCode()).isEqualTo(200);

        // What needs the database answers a quick 503 problem meanwhile, not a 500 and
        // not a hang.
        start = System.nanoTime();
        HttpResponse<String> tokens = ServiceSmokeChecks.send("GET", checks.baseUrl() + "/api/onboarding/v1/tokens",
                null, null, TestJwtIssuer.token("otto", UUID.randomUUID(), "operator"));
        assertProblem(tokens, 503, "DATABASE_UNAVAILABLE");
        assertThat(tokens.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aCrlAnotherReplicaPublishedIsServedWithinSeconds() throws Exception {
        assertThat(get(CRL, Map.of()).statusCode()).isEqualTo(200);
        long number = jdbc.sql("SELECT crl_number FROM crl WHERE id = 1").query(Long.class).single() + 1000;
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        byte[] other = ca.crl(new CrlRequest(BigInteger.valueOf(number), now, now.plus(Duration.ofDays(1)),
                List.of(new RevokedEntry(BigInteger.valueOf(424242), now, RevokedEntry.Reason.KEY_COMPROMISE))));
        // As another replica's rebuild leaves it: only the row changes, this replica's
        // memory does not.
        jdbc.sql("UPDATE crl SET crl_number = :number, der = :der WHERE id = 1")
            .param("number", number)
            .param("der", other)
            .update();

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        byte[] served = get(CRL, Map.of()).body();
        while (!Arrays.equals(served, other) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            served = get(CRL, Map.of()).body();
        }
        assertThat(served).isEqualTo(other);
    }

}
